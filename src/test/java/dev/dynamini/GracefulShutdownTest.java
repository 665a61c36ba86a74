package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.testing.FaultyServer;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.FaultyHttpClient;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.RawConnection;
import dev.dynamini.testing.TestServer;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping the server (what SIGTERM does) while a request is in flight: the server stops taking
 * new connections at once, lets the running request finish and answer, and only then returns and
 * closes DynamoDB. A request that outlives SHUTDOWN_GRACE_MS does not hold the stop up for ever.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GracefulShutdownTest {
    @Test
    void aRequestInFlightFinishesBeforeTheServerStops() throws Exception {
        try (DynamoLocalServer local = DynamoLocalServer.start()) {
            Map<String, String> env = local.env(30_000);
            env.put("SHUTDOWN_GRACE_MS", "30000");
            FaultyServer running = FaultyServer.start(env);
            TestServer server = running.server();
            Http app = server.appA();
            String c = app.post("/api/user/u/collection", "{\"name\":\"c\"}").json().path("meta").path("collection").asText();
            String entries = "/api/user/u/collection/" + c + "/entry";

            running.faulty().hold("PutItem");
            CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> app.post(entries, "{\"name\":\"late\",\"value\":{\"a\":1}}"));
            awaitHeld(running.faulty());
            // the URL is taken before the stop: a stopping server no longer reports its port
            Http probe = server.http();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);

            awaitRefused(probe);
            assertFalse(stopping.isDone(), "stop waits for the request in flight");
            running.faulty().release();

            Response answered = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(201, answered.status(), "the request in flight was served to the end: " + answered);
            stopping.get(30, TimeUnit.SECONDS);

            Map<String, String> sameTables = new java.util.HashMap<>(env);
            try (TestServer again = TestServer.startOwning(sameTables, DynamoConnection.remote(Config.from(sameTables)))) {
                Response stored = again.appA().get(entries);
                assertEquals(1, stored.json().size(), "the write is stored: " + stored);
                assertEquals("late", stored.json().get(0).path("name").asText());
            }
        }
    }

    @Test
    void anUploadStillSendingItsBodyAtTheSignalFinishesWithinTheGrace() throws Exception {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.put("SHUTDOWN_GRACE_MS", "10000");
        TestServer server = TestServer.start(env);
        String entries = "/api/user/u/collection/"
                + server.appA().post("/api/user/u/collection", "{\"name\":\"uploads\"}").json().path("meta").path("collection").asText() + "/entry";
        String body = "{\"name\":\"uploaded\",\"value\":{\"a\":1}}";
        try (RawConnection upload = RawConnection.connect(server.server().port(), 30_000)) {
            upload.send(RawConnection.head("POST", entries, TestServer.KEY_A, body.length()) + body.substring(0, 10));
            Thread.sleep(300); // the server has the request before the signal
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
            // a pause longer than the second Jetty gives idle connections once a stop has begun
            Thread.sleep(1500);
            assertFalse(stopping.isDone(), "the stop waits for the upload");
            upload.send(body.substring(10));
            Response answered = upload.readResponse();
            assertEquals(201, answered.status(), "the upload accepted before the signal was served: " + answered);
            stopping.get(30, TimeUnit.SECONDS);
        }
        try (TestServer again = TestServer.start(env)) {
            Response stored = again.appA().get(entries);
            assertEquals(1, stored.json().size(), "the write is stored: " + stored);
        }
    }

    @Test
    void theGracePeriodBoundsTheWait() throws Exception {
        try (DynamoLocalServer local = DynamoLocalServer.start()) {
            Map<String, String> env = local.env(30_000);
            env.put("SHUTDOWN_GRACE_MS", "500");
            FaultyServer running = FaultyServer.start(env);
            TestServer server = running.server();
            Http app = server.appA();
            running.faulty().hold("Query");
            CompletableFuture<Response> stuck = CompletableFuture.supplyAsync(() -> app.get("/api/user/u/collection"));
            awaitHeld(running.faulty());

            long t0 = System.nanoTime();
            server.close();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            running.faulty().release();
            assertTrue(millis < 15_000, "stopped after " + millis + " ms although the grace period is 500 ms");
            // an answer or a cut connection, but not a client left waiting
            stuck.handle((response, cut) -> null).get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitHeld(FaultyHttpClient faulty) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (faulty.waiting() == 0) {
            if (System.nanoTime() > deadline) {
                fail("the request never reached DynamoDB");
            }
            Thread.sleep(10);
        }
    }

    /** Waits until a new connection is refused: the listener is closed while the stop is under way. */
    private static void awaitRefused(Http probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                Response r = probe.get("/health");
                // a connection accepted just before the listener closed is told the server is going away
                if (r.status() == 503) {
                    return;
                }
            } catch (UncheckedIOException refused) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("the server kept taking new requests while stopping");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        TestServer server = TestServer.start();
        Http client = server.http();
        server.close();
        server.close();
        assertThrows(UncheckedIOException.class, () -> client.get("/health"), "the port is closed");
    }
}
