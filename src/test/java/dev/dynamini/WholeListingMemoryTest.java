package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dynamini.testing.ChildServer;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.InMemoryServerMain;
import dev.dynamini.testing.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listing without {@code limit} is sent while DynamoDB's pages arrive, so no list needs memory in
 * proportion to its size: a server with a 64 MB heap (DynamoDB Local included) lists entries that
 * hold three times that.
 * The client reads the answer as a stream too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WholeListingMemoryTest {
    private static final String HEAP = "64m";
    private static final int VALUE_BYTES = 250 * 1024;
    /** 768 x 250 KB: 192 MB of entries, three times the heap. */
    private static final int ENTRIES = 768;
    private static final Pattern LISTENING = Pattern.compile("dynamini listening on port (\\d+)");

    @Test
    void aListingSeveralTimesTheHeapIsSentWhole(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        try (ChildServer child = ChildServer.start(InMemoryServerMain.class, HEAP, env, dir.resolve("server.log"))) {
            child.awaitLog("dynamini listening on port");
            Matcher port = LISTENING.matcher(child.log());
            assertTrue(port.find());
            String base = "http://127.0.0.1:" + port.group(1);
            Http app = new Http(base).with("x-api-key", TestServer.KEY_A);
            Response collection = app.post("/api/user/big/collection", "{\"name\":\"big\"}");
            assertEquals(201, collection.status(), collection.toString());
            String entries = "/api/user/big/collection/" + collection.json().path("meta").path("collection").asText() + "/entry";

            write(app, entries);
            child.tell("phase listing");
            HttpRequest list = HttpRequest.newBuilder(URI.create(base + entries)).header("x-api-key", TestServer.KEY_A).build();
            HttpResponse<InputStream> answer = HttpClient.newHttpClient().send(list, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, answer.statusCode(), () -> "the server's log: " + tail(child));
            BitSet seen = new BitSet(ENTRIES);
            try (JsonParser json = new JsonFactory().createParser(answer.body())) {
                assertEquals(JsonToken.START_ARRAY, json.nextToken());
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    seen.set(readEntry(json));
                }
                assertEquals(JsonToken.END_ARRAY, json.currentToken());
                assertNull(json.nextToken(), "nothing after the array");
            }
            assertEquals(ENTRIES, seen.cardinality(), "every entry, once");

            child.process().destroy();
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
            String heap = String.join("; ", child.log().lines().filter(l -> l.startsWith("heap ")).toList());
            System.out.println("WholeListingMemoryTest: " + ENTRIES + " entries of " + VALUE_BYTES / 1024 + " KB listed; " + heap);
        }
    }

    private static String tail(ChildServer child) {
        try {
            String log = child.log();
            int from = Math.max(0, log.lastIndexOf(" ERROR "));
            return log.substring(from, Math.min(log.length(), from + 2000));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Writes the entries, a few at a time: each is {"i": n, "blob": 250 KB}. */
    private static void write(Http app, String entries) throws Exception {
        String blob = "x".repeat(VALUE_BYTES);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = IntStream.range(0, ENTRIES)
                    .mapToObj(i -> writers.submit(() -> app.post(entries, "{\"value\":{\"i\":" + i + ",\"blob\":\"" + blob + "\"}}").status()))
                    .toList();
            for (Future<Integer> status : statuses) {
                assertEquals(201, status.get());
            }
        } finally {
            writers.shutdownNow();
        }
    }

    /** Reads one entry object and returns its value's "i", checking the blob came whole. */
    private static int readEntry(JsonParser json) throws Exception {
        int i = -1;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            if (field.equals("value")) {
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String key = json.currentName();
                    json.nextToken();
                    if (key.equals("i")) {
                        i = json.getIntValue();
                    } else if (key.equals("blob")) {
                        assertEquals(VALUE_BYTES, json.getTextLength());
                    }
                }
            } else {
                json.skipChildren();
            }
        }
        assertTrue(i >= 0 && i < ENTRIES, "an entry with its value");
        return i;
    }
}
