package dev.dynamini.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TcpProxy;
import dev.dynamini.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DynamoDB going away under load, over real HTTP on both sides: the server talks to DynamoDB Local
 * running as an HTTP server in this JVM, which the test stops (connections refused) or cuts off
 * behind a black-holing proxy (connections hang). Requests must get a 503 well within a client's
 * patience, /ready must say so, and once DynamoDB is back everything works with nothing half-written.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DynamoOutageTest {
    /** A client's patience: every answer must come sooner. Far above DYNAMODB_TIMEOUT_MS. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final int DYNAMO_TIMEOUT_MS = 1500;
    private static final int WORKERS = 6;

    private record Outcome(String op, String name, String id, int status, long millis, Response response) {
    }

    @Test
    void stoppedDynamoDbMeans503ThenEverythingWorksAgainWithNothingHalfWritten() throws Exception {
        try (DynamoLocalServer local = DynamoLocalServer.start()) {
            Map<String, String> env = local.env(DYNAMO_TIMEOUT_MS);
            try (TestServer server = TestServer.startOwning(env, DynamoConnection.remote(Config.from(env)))) {
                Http app = server.appA();
                String entries = "/api/user/u/collection/" + collection(app, "load") + "/entry";

                List<Outcome> outcomes = new CopyOnWriteArrayList<>();
                AtomicBoolean running = new AtomicBoolean(true);
                ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    int worker = w;
                    workers.add(pool.submit(() -> writeUntilStopped(app, entries, worker, running, outcomes)));
                }

                awaitCount(outcomes, 0, o -> o.status() / 100 == 2, 30, "successful writes before the outage");
                local.stop();
                int beforeOutage = outcomes.size();
                awaitCount(outcomes, beforeOutage, o -> o.status() == 503, 3 * WORKERS, "503s during the outage");

                Response ready = timed(() -> server.http().get("/ready"));
                assertEquals(503, ready.status(), ready.toString());
                assertEquals("unavailable", ready.json().path("error").asText());
                assertEquals(200, server.http().get("/health").status(), "the process itself is fine");

                local.startAgain();
                awaitReady(server);
                int afterRecovery = outcomes.size();
                awaitCount(outcomes, afterRecovery, o -> o.status() / 100 == 2, 10 * WORKERS, "successful writes after the outage");
                running.set(false);
                for (Future<?> f : workers) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdown();

                assertTrue(outcomes.size() > beforeOutage, "requests were made during the outage");
                for (Outcome o : outcomes) {
                    assertTrue(o.status() == 200 || o.status() == 201 || o.status() == 503, "only success or 503: " + o);
                    if (o.status() == 503) {
                        assertEquals("unavailable", o.response().json().path("error").asText(), o.toString());
                        assertNotNull(o.response().header("Retry-After"), "503 says when to retry");
                        assertFalse(o.response().body().contains("Exception"), "no stack trace or exception name");
                    }
                }
                assertNothingHalfWritten(app, entries, outcomes);

                String metrics = server.http().get("/metrics").body();
                assertTrue(metrics.contains("outcome=\"unavailable\""), "failed DynamoDB calls are counted");
                assertTrue(metrics.contains("status=\"503\""), "503s are counted");
            }
        }
    }

    @Test
    void hangingDynamoDbTimesOutInto503WithoutTyingUpTheServer() throws Exception {
        try (DynamoLocalServer local = DynamoLocalServer.start(); TcpProxy proxy = TcpProxy.to(local.port())) {
            Map<String, String> env = DynamoLocalServer.env(proxy.endpoint(), DYNAMO_TIMEOUT_MS);
            try (TestServer server = TestServer.startOwning(env, DynamoConnection.remote(Config.from(env)))) {
                Http app = server.appA();
                String c = collection(app, "hang");
                proxy.blackHole(true);

                int concurrent = 40;
                ExecutorService pool = Executors.newFixedThreadPool(concurrent);
                List<Future<Response>> hanging = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    String path = i % 2 == 0 ? "/api/user/u/collection/" + c : "/api/user/u/collection";
                    hanging.add(pool.submit(() -> timed(() -> app.get(path))));
                }
                // while those wait on DynamoDB, the server still answers what does not need it
                Response health = timed(() -> server.http().get("/health"));
                assertEquals(200, health.status());
                for (Future<Response> f : hanging) {
                    Response r = f.get(PATIENCE.toSeconds() + 5, TimeUnit.SECONDS);
                    assertEquals(503, r.status(), r.toString());
                    assertEquals("unavailable", r.json().path("error").asText());
                }
                pool.shutdown();
                Response ready = timed(() -> server.http().get("/ready"));
                assertEquals(503, ready.status(), ready.toString());

                proxy.blackHole(false);
                awaitReady(server);
                Response again = timed(() -> app.get("/api/user/u/collection/" + c));
                assertEquals(200, again.status(), again.toString());
            }
        }
    }

    /** Creates entries and renames each once, until told to stop; a 503'd create is not retried. */
    private static void writeUntilStopped(Http app, String entries, int worker, AtomicBoolean running, List<Outcome> outcomes) {
        for (int i = 0; running.get(); i++) {
            String name = "w" + worker + "-" + i;
            long t0 = System.nanoTime();
            Response created = timed(() -> app.post(entries, body(name)));
            String id = created.status() == 201 ? created.json().path("meta").path("entry").asText() : null;
            outcomes.add(new Outcome("create", name, id, created.status(), elapsed(t0), created));
            if (id != null) {
                long t1 = System.nanoTime();
                Response renamed = timed(() -> app.put(entries + "/" + id, "{\"name\":\"" + name + "-renamed\"}"));
                outcomes.add(new Outcome("rename", name, id, renamed.status(), elapsed(t1), renamed));
            }
            if (created.status() == 503) {
                pause(); // as a client would after Retry-After; keeps the outage phase from spinning
            }
        }
    }

    /**
     * Every acknowledged write is there; every entry's history is gapless from 1 and ends in the
     * version a single-item read returns; a create that got a 503 either happened completely or not
     * at all, so sending it again creates it (201) or finds it (200), never a clash or an error.
     */
    private static void assertNothingHalfWritten(Http app, String entries, List<Outcome> outcomes) {
        JsonNode all = app.get(entries + "?filter=all").json();
        Map<String, List<JsonNode>> versions = new HashMap<>();
        for (JsonNode v : all) {
            versions.computeIfAbsent(v.path("meta").path("entry").asText(), k -> new ArrayList<>()).add(v);
        }
        for (Map.Entry<String, List<JsonNode>> e : versions.entrySet()) {
            List<JsonNode> history = e.getValue();
            for (int i = 0; i < history.size(); i++) {
                assertEquals(i + 1, history.get(i).path("meta").path("version").asLong(), "gapless history of " + e.getKey());
            }
            JsonNode latest = app.get(entries + "/" + e.getKey()).json().get(0);
            assertEquals(history.size(), latest.path("meta").path("version").asLong(), "head matches history of " + e.getKey());
        }
        Set<String> liveNames = new HashSet<>();
        for (JsonNode live : app.get(entries).json()) {
            assertTrue(liveNames.add(live.path("name").asText()), "live names are unique: " + live);
        }
        for (Outcome o : outcomes) {
            if (o.status() / 100 == 2) {
                assertTrue(versions.containsKey(o.id()), "acknowledged " + o + " is stored");
                if (o.op().equals("rename")) {
                    assertTrue(versions.get(o.id()).size() >= 2, "acknowledged rename is stored: " + o);
                }
            }
        }
        for (Outcome o : outcomes) {
            if (o.op().equals("create") && o.status() == 503) {
                Response retried = app.post(entries, body(o.name()));
                assertTrue(retried.status() == 201 || retried.status() == 200, "retrying " + o.name() + ": " + retried);
            }
        }
    }

    private static String body(String name) {
        return "{\"name\":\"" + name + "\",\"value\":{\"by\":\"" + name + "\",\"n\":[1,2,3]}}";
    }

    private static String collection(Http app, String name) {
        Response r = app.post("/api/user/u/collection", "{\"name\":\"" + name + "\"}");
        assertEquals(201, r.status(), r.toString());
        return r.json().path("meta").path("collection").asText();
    }

    private static void awaitReady(TestServer server) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Response ready;
        do {
            ready = timed(() -> server.http().get("/ready"));
            if (ready.status() == 200) {
                return;
            }
            pause();
        } while (System.nanoTime() < deadline);
        fail("/ready did not recover: " + ready);
    }

    /** Waits until {@code count} outcomes from index {@code from} on match. */
    private static void awaitCount(List<Outcome> outcomes, int from, Predicate<Outcome> which, int count, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (matching(outcomes, from, which) < count) {
            if (System.nanoTime() > deadline) {
                fail("waited a minute for " + count + " " + what + "; saw " + matching(outcomes, from, which));
            }
            pause();
        }
    }

    private static long matching(List<Outcome> outcomes, int from, Predicate<Outcome> which) {
        return outcomes.stream().skip(from).filter(which).count();
    }

    /** The request, which must be answered within a client's patience: a hang fails the test. */
    private static Response timed(Supplier<Response> request) {
        long t0 = System.nanoTime();
        Response r = request.get();
        long millis = elapsed(t0);
        assertTrue(millis < PATIENCE.toMillis(), "answered after " + millis + " ms, beyond a client's patience: " + r);
        return r;
    }

    private static long elapsed(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
