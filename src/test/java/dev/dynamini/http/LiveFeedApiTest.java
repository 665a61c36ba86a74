package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live change feed (issue 10, part 2): {@code &wait=} answers as soon as a change comes, or
 * empty when the wait is over; a Server-Sent Events stream of the same feed resumes from
 * {@code Last-Event-ID}; waiting reads and streams are bounded per instance and counted in /metrics.
 */
class LiveFeedApiTest {
    private static final String ENTRIES = "/api/user/live/collection/c/entry";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static TestServer server;
    private static Http feed;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("API_KEYS", FeedApiTest.API_KEYS, "FEED_MAX_STREAMS", "2", "FEED_MAX_WAITING", "3"));
        feed = server.http().with("x-api-key", FeedApiTest.KEY_FEED);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aWaitingReadAnswersAsSoonAsAChangeComes() throws Exception {
        String token = feed.get(ENTRIES + "?since=now").header("X-Next-Since");
        long started = System.nanoTime();
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> feed.get(ENTRIES + "?wait=20&since=" + FeedApiTest.enc(token)));
        Thread.sleep(300);
        assertTrue(!waiting.isDone(), "nothing changed yet: it waits");
        String id = feed.post(ENTRIES, "{\"value\":1}").json().at("/meta/entry").asText();
        Response answer = waiting.get(10, TimeUnit.SECONDS);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, answer.status(), answer.body());
        assertEquals(List.of(id + "#1"), FeedApiTest.versions(answer.json()));
        assertTrue(tookMillis < 5000, "answered when the change came, not at the end of the wait: " + tookMillis + " ms");
        assertNotNull(answer.header("X-Next-Since"));
    }

    @Test
    void aWaitWithoutChangeEndsEmptyWithAToken() {
        String token = feed.get("/api/user/live/collection/quiet/entry?since=now").header("X-Next-Since");
        long started = System.nanoTime();
        Response answer = feed.get("/api/user/live/collection/quiet/entry?wait=1&since=" + FeedApiTest.enc(token));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, answer.status());
        assertEquals(0, answer.json().size());
        assertTrue(tookMillis >= 900, "waited: " + tookMillis + " ms");
        assertNotNull(answer.header("X-Next-Since"));
        assertEquals("false", answer.header("X-More-Changes"));
    }

    @Test
    void waitingReadsAreBoundedAndCounted() throws Exception {
        String token = feed.get("/api/user/live/collection/bounded/entry?since=now").header("X-Next-Since");
        List<CompletableFuture<Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> feed.get("/api/user/live/collection/bounded/entry?wait=5&since=" + FeedApiTest.enc(token))));
        }
        awaitMetric("dynamini_feed_waiting", 3);
        Response refused = feed.get("/api/user/live/collection/bounded/entry?wait=5&since=" + FeedApiTest.enc(token));
        assertEquals(503, refused.status(), refused.body());
        assertEquals("1", refused.header("Retry-After"));
        // a read that does not wait is never refused
        assertEquals(200, feed.get("/api/user/live/collection/bounded/entry?since=" + FeedApiTest.enc(token)).status());
        feed.post("/api/user/live/collection/bounded/entry", "{\"value\":1}");
        for (CompletableFuture<Response> w : waiting) {
            assertEquals(1, w.get(10, TimeUnit.SECONDS).json().size());
        }
        awaitMetric("dynamini_feed_waiting", 0);
    }

    @Test
    void aStreamSendsEachChangeAsAnEventAndResumesFromLastEventId() throws Exception {
        String stream = "/api/user/live/collection/streamed/entry";
        String first;
        String second;
        List<String> ids = new ArrayList<>();
        try (Events events = Events.open(stream + "?since=now", null)) {
            assertEquals(200, events.status);
            awaitMetric("dynamini_feed_streams", 1);
            first = feed.post(stream, "{\"value\":1}").json().at("/meta/entry").asText();
            feed.put(stream + "/" + first, "{\"value\":2}");
            JsonNode one = events.next(ids);
            JsonNode two = events.next(ids);
            assertEquals(first, one.at("/meta/entry").asText());
            assertEquals(1, one.at("/meta/version").asInt());
            assertEquals(2, two.at("/meta/version").asInt());
        }
        awaitMetric("dynamini_feed_streams", 0);
        second = feed.post(stream, "{\"value\":3}").json().at("/meta/entry").asText();
        // resumes right after the first event: the second and third come, the first does not
        List<String> resumedIds = new ArrayList<>();
        try (Events events = Events.open(stream, ids.get(0))) {
            assertEquals(200, events.status);
            JsonNode again = events.next(resumedIds);
            assertEquals(first, again.at("/meta/entry").asText());
            assertEquals(2, again.at("/meta/version").asInt());
            assertEquals(second, events.next(resumedIds).at("/meta/entry").asText());
        }
        Response bad = server.http().with("x-api-key", FeedApiTest.KEY_FEED).with("Accept", "text/event-stream")
                .with("Last-Event-ID", "not-a-token").get(stream);
        assertEquals(400, bad.status(), "a bad Last-Event-ID is an ordinary 400");
    }

    @Test
    void streamsAreBoundedPerInstance() throws Exception {
        try (Events one = Events.open(ENTRIES + "?since=now", null); Events two = Events.open(ENTRIES + "?since=now", null)) {
            assertEquals(200, one.status);
            assertEquals(200, two.status);
            awaitMetric("dynamini_feed_streams", 2);
            try (Events three = Events.open(ENTRIES + "?since=now", null)) {
                assertEquals(503, three.status);
            }
        }
        awaitMetric("dynamini_feed_streams", 0);
    }

    @Test
    void stoppingTheServerEndsStreamsAndAnswersWaitingReadsAtOnce() throws Exception {
        TestServer own = TestServer.start(Map.of("API_KEYS", FeedApiTest.API_KEYS));
        Http client = own.http().with("x-api-key", FeedApiTest.KEY_FEED);
        String token = client.get(ENTRIES + "?since=now").header("X-Next-Since");
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> client.get(ENTRIES + "?wait=30&since=" + FeedApiTest.enc(token)));
        HttpResponse<InputStream> stream = CLIENT.send(HttpRequest.newBuilder(URI.create(own.baseUrl() + ENTRIES + "?since=now"))
                .header("x-api-key", FeedApiTest.KEY_FEED).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        Thread.sleep(300);
        long started = System.nanoTime();
        own.close();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 5000, "a stream or a waiting read held the stop for " + tookMillis + " ms");
        Response answered = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(200, answered.status(), answered.toString());
        assertEquals(0, answered.json().size());
        stream.body().close();
    }

    private static void awaitMetric(String name, int value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = server.http().get("/metrics").body().lines().filter(l -> l.startsWith(name + " ")).findFirst().orElse("");
            if (last.equals(name + " " + value + ".0")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("metric " + name + " never reached " + value + ": " + last);
    }

    /** A Server-Sent Events connection, read line by line. */
    private static final class Events implements AutoCloseable {
        final int status;
        final InputStream body;
        final BufferedReader lines;

        private Events(int status, InputStream body) {
            this.status = status;
            this.body = body;
            this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        static Events open(String path, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .header("x-api-key", FeedApiTest.KEY_FEED).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Events(response.statusCode(), response.body());
        }

        /** The next event's data, its id added to {@code ids}; comments are skipped. */
        JsonNode next(List<String> ids) throws Exception {
            CompletableFuture<JsonNode> read = CompletableFuture.supplyAsync(() -> {
                try {
                    String id = null;
                    String data = null;
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("id: ")) {
                            id = line.substring(4);
                        } else if (line.startsWith("data: ")) {
                            data = line.substring(6);
                        } else if (line.isEmpty() && data != null) {
                            ids.add(id);
                            return JSON.readTree(data);
                        }
                    }
                    throw new AssertionError("the stream ended");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return read.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }
}
