package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * No change of the feed is skipped or repeated while writers commit during the reads (issue 10):
 * writers create, update, delete and restore entries of one collection (several on the same items)
 * while readers page through the feed with small limits; each reader must end with every version of
 * every item exactly once, an item's versions in order. Once on one server, once on two servers
 * sharing the tables (two instances: the other's writes are covered by FEED_SETTLE_MS).
 */
class FeedConcurrencyApiTest {
    private static final String ENTRIES = "/api/user/race/collection/feed/entry";
    private static final int WRITERS = 4;
    private static final int READERS = 3;
    private static final int WRITES_EACH = 60;

    @Test
    void readersOfOneServerSeeEveryChangeOnce() throws Exception {
        try (TestServer server = TestServer.start(Map.of("API_KEYS", FeedApiTest.API_KEYS))) {
            Http client = server.http().with("x-api-key", FeedApiTest.KEY_FEED);
            race(List.of(client), List.of(client));
        }
    }

    @Test
    void readersOfTwoInstancesSeeEveryChangeOfBothOnce() throws Exception {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.put("API_KEYS", FeedApiTest.API_KEYS);
        // each instance knows only its own writes in flight: the other's are covered by the settle time
        env.put("FEED_SETTLE_MS", "400");
        try (TestServer one = TestServer.start(env); TestServer two = TestServer.start(env)) {
            Http a = one.http().with("x-api-key", FeedApiTest.KEY_FEED);
            Http b = two.http().with("x-api-key", FeedApiTest.KEY_FEED);
            race(List.of(a, b), List.of(a, b));
        }
    }

    private static void race(List<Http> writers, List<Http> readers) throws Exception {
        Http first = writers.get(0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(first.post(ENTRIES, "{\"value\":" + i + "}").json().at("/meta/entry").asText());
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writes = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            Http client = writers.get(w % writers.size());
            writes.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < WRITES_EACH; i++) {
                    String id = ids.get(random.nextInt(ids.size()));
                    Response r = switch (random.nextInt(6)) {
                        case 0 -> client.post(ENTRIES, "{\"value\":\"new\"}");
                        case 1 -> client.delete(ENTRIES + "/" + id);
                        case 2 -> client.post(ENTRIES + "/" + id + "/restore", "");
                        default -> client.put(ENTRIES + "/" + id, "{\"value\":" + i + "}");
                    };
                    assertTrue(r.status() == 200 || r.status() == 201 || r.status() == 404, r.toString());
                }
                return null;
            }));
        }
        List<Future<List<String>>> reads = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            Http client = readers.get(r % readers.size());
            int limit = 3 + r * 4;
            reads.add(pool.submit(() -> {
                List<String> seen = new ArrayList<>();
                String since = "0";
                boolean last = false;
                while (true) {
                    boolean writersDone = !writing.get();
                    Response page = client.get(ENTRIES + "?limit=" + limit + "&since=" + FeedApiTest.enc(since));
                    assertEquals(200, page.status(), page.toString());
                    for (JsonNode change : page.json()) {
                        seen.add(change.at("/meta/entry").asText() + "#" + change.at("/meta/version").asInt());
                    }
                    since = page.header("X-Next-Since");
                    boolean more = page.header("X-More-Changes").equals("true");
                    if (last && !more) {
                        return seen;
                    }
                    // one more full pass after the writers stopped and the settle time passed
                    if (writersDone && !more) {
                        Thread.sleep(500);
                        last = true;
                    }
                }
            }));
        }
        for (Future<?> write : writes) {
            write.get();
        }
        writing.set(false);

        // what was written: every item's versions, from its head
        Map<String, Integer> latest = new TreeMap<>();
        for (JsonNode head : first.get(ENTRIES + "?filter=current").json()) {
            latest.put(head.at("/meta/entry").asText(), head.at("/meta/version").asInt());
        }
        int total = latest.values().stream().mapToInt(Integer::intValue).sum();
        for (Future<List<String>> read : reads) {
            List<String> seen = read.get();
            Map<String, Integer> lastVersion = new HashMap<>();
            Map<String, Boolean> once = new ConcurrentHashMap<>();
            for (String change : seen) {
                assertTrue(once.putIfAbsent(change, true) == null, "repeated: " + change);
                String id = change.substring(0, change.indexOf('#'));
                int version = Integer.parseInt(change.substring(change.indexOf('#') + 1));
                assertEquals(lastVersion.getOrDefault(id, 0) + 1, version, "an item's versions come in order, none skipped: " + change);
                lastVersion.put(id, version);
            }
            assertEquals(latest, new TreeMap<>(lastVersion), "every item's versions up to its head");
            assertEquals(total, seen.size());
        }
        pool.shutdown();
    }
}
