package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.ChildServer;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx means durable: the server in a JVM of its own, on embedded DynamoDB Local on disk, killed
 * with SIGKILL right after acknowledged POST, PUT, DELETE and restore answers, round after round,
 * each restart on the same DATA_DIR; and killed under concurrent load, where its puts are committed
 * in groups. Every acknowledged version must be there, with its content.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CrashDurabilityTest {
    private static final int ROUNDS = 20;
    private static final String KEY = "crash-test-key-0123";
    private static final String API_KEYS = "[{\"application\":\"crash\",\"key\":\"" + KEY + "\"}]";

    /** An acknowledged version: where the item lives and the body the client was given. */
    private record Ack(String itemPath, long version, JsonNode body) {
    }

    @Test
    void everyAcknowledgedVersionSurvivesSigkill(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<Ack> acknowledged = new ArrayList<>();
        String collectionPath = null;
        for (int round = 0; round <= ROUNDS; round++) {
            try (Round started = Round.start(data, dir.resolve("round-" + round + ".log"))) {
                ChildServer child = started.child();
                Http api = started.api();
                assertAllThere(api, acknowledged, round);
                if (round == ROUNDS) {
                    break;
                }
                if (collectionPath == null) {
                    Response created = api.post("/api/user/u/collection", "{\"name\":\"crash\"}");
                    collectionPath = "/api/user/u/collection/" + created.json().path("meta").path("collection").asText();
                    acknowledged.add(ack(collectionPath, created, 201));
                }
                Response entry = api.post(collectionPath + "/entry", "{\"name\":\"e" + round + "\",\"value\":{\"round\":" + round + "}}");
                String entryPath = collectionPath + "/entry/" + entry.json().path("meta").path("entry").asText();
                acknowledged.add(ack(entryPath, entry, 201));
                acknowledged.add(ack(entryPath, api.put(entryPath, "{\"value\":{\"round\":" + round + ",\"step\":\"put\"}}"), 200));
                acknowledged.add(ack(collectionPath, api.put(collectionPath, "{\"name\":\"crash-" + round + "\"}"), 200));
                acknowledged.add(ack(entryPath, api.delete(entryPath), 200));
                acknowledged.add(ack(entryPath, api.post(entryPath + "/restore", "{\"version\":1}"), 200));
                // SIGKILL the moment the last answer is in: no shutdown hook, no chance to flush
                child.kill();
            }
        }
    }

    /**
     * The same under concurrent load, where the embedded server commits the puts of concurrent
     * writes together (group commit): 16 writers create and update entries, and the server is
     * killed while they are still writing. Every answer that came back before the kill must be there.
     */
    @Test
    void concurrentAcknowledgedWritesSurviveSigkillUnderLoad(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<Ack> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        String collectionPath = null;
        int rounds = 3;
        for (int round = 0; round <= rounds; round++) {
            try (Round started = Round.start(data, dir.resolve("load-" + round + ".log"))) {
                ChildServer child = started.child();
                Http api = started.api();
                assertAllThere(api, new ArrayList<>(acknowledged), round);
                if (round == rounds) {
                    break;
                }
                if (collectionPath == null) {
                    Response created = api.post("/api/user/u/collection", "{\"name\":\"load\"}");
                    collectionPath = "/api/user/u/collection/" + created.json().path("meta").path("collection").asText();
                    acknowledged.add(ack(collectionPath, created, 201));
                }
                String entries = collectionPath + "/entry";
                int thisRound = round;
                java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(16);
                for (int w = 0; w < 16; w++) {
                    int writer = w;
                    writers.submit(() -> {
                        for (int i = 0; !killed.get(); i++) {
                            try {
                                Response entry = api.post(entries, "{\"name\":\"r" + thisRound + "-w" + writer + "-" + i + "\",\"value\":" + i + "}");
                                if (entry.status() != 201) {
                                    continue;
                                }
                                String entryPath = entries + "/" + entry.json().path("meta").path("entry").asText();
                                acknowledged.add(ack(entryPath, entry, 201));
                                killAt(answered.incrementAndGet(), child, killed);
                                Response put = api.put(entryPath, "{\"value\":{\"after\":" + i + "}}");
                                if (put.status() == 200) {
                                    acknowledged.add(ack(entryPath, put, 200));
                                    killAt(answered.incrementAndGet(), child, killed);
                                }
                            } catch (Exception | AssertionError cutOff) {
                                // the kill cut this request off: it was never acknowledged
                            }
                        }
                        return null;
                    });
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!killed.get() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                killAt(KILL_AT, child, killed);
                writers.shutdown();
                assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS), "writers did not stop after the kill");
                assertTrue(answered.get() >= KILL_AT, "only " + answered.get() + " writes answered in 30 s");
            }
        }
    }

    private static final int KILL_AT = 150;

    /**
     * SIGKILL the moment the {@code KILL_AT}th answer is in, from the writer that got it, while the
     * others are still writing: commits of answered writes that were still queued would be lost.
     */
    private static void killAt(int answered, ChildServer child, java.util.concurrent.atomic.AtomicBoolean killed)
            throws InterruptedException {
        if (answered >= KILL_AT && !killed.getAndSet(true)) {
            child.kill();
        }
    }

    /** One round's server, on the DATA_DIR of every round, and a client of it. */
    private record Round(ChildServer child, Http api) implements AutoCloseable {
        static Round start(Path data, Path log) throws Exception {
            int port = ChildServer.freePort();
            Map<String, String> env = Map.of("PORT", Integer.toString(port), "DATA_DIR", data.toString(), "API_KEYS", API_KEYS);
            // C1 only and a serial GC: each round is a JVM start, and these tests make 25 of them
            ChildServer child = ChildServer.start(env, log, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
            try {
                child.awaitLog("dynamini listening on port " + port);
            } catch (Exception | AssertionError failed) {
                child.close();
                throw failed;
            }
            current = child;
            return new Round(child, new Http("http://127.0.0.1:" + port).with("x-api-key", KEY));
        }

        @Override
        public void close() {
            child.close();
        }
    }

    /** The server of the round, whose log explains an unexpected answer. */
    private static ChildServer current;

    private static Ack ack(String itemPath, Response response, int expectedStatus) throws java.io.IOException {
        if (response.status() != expectedStatus) {
            String log = current.log();
            assertEquals(expectedStatus, response.status(), response + "\nserver log (end):\n" + log.substring(Math.max(0, log.length() - 4000)));
        }
        JsonNode body = response.json();
        return new Ack(itemPath, body.path("meta").path("version").asLong(), body);
    }

    private static void assertAllThere(Http api, List<Ack> acknowledged, int round) {
        Map<String, Long> newest = new HashMap<>();
        for (Ack ack : acknowledged) {
            Response stored = api.get(ack.itemPath() + "/versions/" + ack.version());
            assertEquals(200, stored.status(), "after restart " + round + ", version " + ack.version() + " of " + ack.itemPath() + " is lost: " + stored);
            assertEquals(ack.body(), stored.json(), "after restart " + round + ", version " + ack.version() + " of " + ack.itemPath() + " changed");
            newest.merge(ack.itemPath(), ack.version(), Math::max);
        }
        newest.forEach((path, version) -> {
            Response current = api.get(path + "?filter=current");
            assertEquals(200, current.status(), current.toString());
            assertTrue(current.json().get(0).path("meta").path("version").asLong() >= version,
                    "the head of " + path + " went back behind acknowledged version " + version + ": " + current);
        });
    }
}
