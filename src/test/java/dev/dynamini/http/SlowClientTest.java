package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.RawConnection;
import dev.dynamini.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that send their request body slowly (on purpose or not) must not stall the server for
 * everyone else: bodies are read without holding a thread, and a body that arrives slower than
 * MIN_REQUEST_DATA_RATE after its grace period is cut off with a 408 and writes nothing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowClientTest {
    /** Four times the server's 250 threads; each costs two sockets in this JVM (ulimit -n here is 20000). */
    private static final int UPLOADERS = 1000;

    @Test
    void aThousandSlowUploadersStallNeitherHealthNorOtherClients() throws Exception {
        try (TestServer server = TestServer.start(Map.of("MIN_REQUEST_DATA_RATE", "1024", "MIN_REQUEST_DATA_RATE_GRACE_MS", "5000"))) {
            String target = entries(server);
            HttpClient probes = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            answersWithinASecond(probes, server, "/health"); // warms the client up
            List<RawConnection> uploaders = new ArrayList<>();
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < UPLOADERS; i++) {
                    RawConnection uploader = RawConnection.connect(server.server().port(), 20_000);
                    uploaders.add(uploader);
                    uploader.send(RawConnection.head("POST", target, TestServer.KEY_A, 64) + "{");
                }
                List<RawConnection> all = List.copyOf(uploaders);
                // one more byte from each every half second: alive, but far below 1024 bytes/s
                trickle.scheduleAtFixedRate(() -> all.forEach(SlowClientTest::oneByte), 500, 500, TimeUnit.MILLISECONDS);

                for (int round = 0; round < 5; round++) {
                    answersWithinASecond(probes, server, "/health");
                    answersWithinASecond(probes, server, "/api/user/slow/collection");
                    Thread.sleep(200);
                }

                // stop sending before the cut-off, so that the server has read every byte sent
                // and its close cannot turn into a reset that swallows the answer
                trickle.shutdownNow();
                assertTrue(trickle.awaitTermination(10, TimeUnit.SECONDS));
                for (RawConnection uploader : all) {
                    Response cut = uploader.readResponse();
                    ErrorsApiTest.assertError(cut, 408, "request_timeout");
                }
            } finally {
                trickle.shutdownNow();
                uploaders.forEach(RawConnection::close);
            }
            assertEquals(0, server.appA().get(target + "?filter=all").json().size(), "no upload wrote anything");
            assertEquals(UPLOADERS, metric(server.http().get("/metrics").body(), "dynamini_http_request_bodies_too_slow_total"));
        }
    }

    @Test
    void aStalledUploadIsCutOffWith408AndWritesNothing() throws Exception {
        try (TestServer server = TestServer.start(Map.of("MIN_REQUEST_DATA_RATE", "1024", "MIN_REQUEST_DATA_RATE_GRACE_MS", "300"))) {
            String target = entries(server);
            String entry = target + "/" + server.appA().post(target, "{\"name\":\"kept\"}").json().path("meta").path("entry").asText();
            String body = "{\"name\":\"changed\",\"value\":{\"a\":1}}";
            try (RawConnection upload = RawConnection.connect(server.server().port(), 20_000)) {
                upload.send(RawConnection.head("PUT", entry, TestServer.KEY_A, body.length()) + body.substring(0, 5));
                Response cut = upload.readResponse();
                ErrorsApiTest.assertError(cut, 408, "request_timeout");
                assertTrue(cut.json().path("message").asText().contains("MIN_REQUEST_DATA_RATE"), cut.toString());
                assertEquals("close", cut.header("Connection"), cut.headers().toString());
                assertTrue(upload.closedByServer(), "the connection is closed: the rest of the body would be a new request");
            }
            Response kept = server.appA().get(entry + "?filter=all");
            assertEquals(1, kept.json().size(), "nothing was written: " + kept);
            assertEquals("kept", kept.json().get(0).path("name").asText());
        }
    }

    @Test
    void aBodyThatArrivesInPiecesAtAnAcceptableRateIsServed() throws Exception {
        try (TestServer server = TestServer.start(Map.of("MIN_REQUEST_DATA_RATE", "1024", "MIN_REQUEST_DATA_RATE_GRACE_MS", "5000"))) {
            String target = entries(server);
            String body = "{\"name\":\"pieces\",\"value\":{\"text\":\"" + "x".repeat(3000) + "\"}}";
            try (RawConnection upload = RawConnection.connect(server.server().port(), 20_000)) {
                upload.send(RawConnection.head("POST", target, TestServer.KEY_A, body.length()));
                for (int from = 0; from < body.length(); from += 1000) {
                    Thread.sleep(300);
                    upload.send(body.substring(from, Math.min(body.length(), from + 1000)));
                }
                Response created = upload.readResponse();
                assertEquals(201, created.status(), created.toString());
                assertEquals("pieces", created.json().path("name").asText());
                // and the connection stays usable for the next request
                upload.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertEquals(200, upload.readResponse().status());
            }
            Http app = server.appA();
            assertEquals(3000, app.get(target).json().get(0).path("value").path("text").asText().length());
        }
    }

    /** The entries path of a new collection. */
    private static String entries(TestServer server) {
        Response created = server.appA().post("/api/user/slow/collection", "{\"name\":\"uploads\"}");
        assertEquals(201, created.status(), created.toString());
        return "/api/user/slow/collection/" + created.json().path("meta").path("collection").asText() + "/entry";
    }

    private static void oneByte(RawConnection uploader) {
        try {
            uploader.send(" ");
        } catch (IOException cutOff) {
            // the server has closed this one
        }
    }

    private static void answersWithinASecond(HttpClient client, TestServer server, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("x-api-key", TestServer.KEY_A).timeout(Duration.ofSeconds(5)).GET().build();
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        assertTrue(millis < 1000, path + " answered after " + millis + " ms");
    }

    private static long metric(String prometheus, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(prometheus);
        assertTrue(m.find(), name + " in " + prometheus);
        return (long) Double.parseDouble(m.group(1));
    }
}
