package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HEAD answers what GET would, status and headers, without the body, and is counted under its route. */
class HeadApiTest extends ServerPerClass {
    private static final List<String> MIRRORED = List.of("ETag", "Content-Type", "Link", "X-Next-Cursor");
    private static String collection;
    private static String entry;

    @BeforeAll
    static void data() {
        collection = "/api/user/h/collection/" + api.post("/api/user/h/collection", "{\"name\":\"heads\"}")
                .json().path("meta").path("collection").asText();
        entry = collection + "/entry/" + api.post(collection + "/entry", "{\"name\":\"one\",\"value\":{\"a\":1}}")
                .json().path("meta").path("entry").asText();
        api.post(collection + "/entry", "{\"name\":\"two\"}");
        api.put(entry, "{\"value\":{\"a\":2}}");
    }

    @Test
    void headHasGetsStatusAndHeadersWithoutTheBody() {
        for (String path : List.of(entry, collection, collection + "/entry?limit=1", entry + "/versions?limit=1",
                entry + "/versions/1", "/api/user/h/collection", "/api/collection", "/health", "/openapi.json")) {
            Response get = api.get(path);
            Response head = api.send("HEAD", path, null);
            assertEquals(get.status(), head.status(), "HEAD " + path + ": " + head);
            assertEquals("", head.body(), "HEAD " + path);
            for (String header : MIRRORED) {
                assertEquals(get.header(header), head.header(header), header + " of HEAD " + path);
            }
        }
        assertEquals("\"2\"", api.send("HEAD", entry, null).header("ETag"));
        assertNotNull(api.send("HEAD", collection + "/entry?limit=1", null).header("Link"), "the next page is announced");
    }

    @Test
    void headOfWhatGetRefusesHasGetsErrorStatus() {
        Http noKey = server.http();
        assertMirrors(api, collection + "/entry/missing", 404);
        assertMirrors(api, "/api/user/h/collection/nothing-here", 404);
        assertMirrors(noKey, entry, 401);
        assertMirrors(api, collection + "/entry?limit=0", 400);
        assertMirrors(api, "/api/user/h/collection/" + "c".repeat(200), 400);
        assertMirrors(api, "/no/such/route", 404);
    }

    @Test
    void headIsCountedAndLoggedUnderItsRoute() {
        String route = "/api/user/{user}/collection/{collection}/entry/{entry}";
        assertEquals(200, api.with("X-Request-Id", "head-of-an-entry").send("HEAD", entry, null).status());
        RequestRecord record = recorded("head-of-an-entry");
        assertEquals("HEAD", record.method());
        assertEquals(route, record.route(), record.toString());
        assertEquals(200, record.status());

        String metrics = server.http().get("/metrics").body();
        assertTrue(metrics.contains("dynamini_http_requests_seconds_count{method=\"HEAD\",route=\"" + route + "\",status=\"200\"}"), metrics);
        assertFalse(metrics.contains("method=\"HEAD\",route=\"unmatched\",status=\"200\""), "a HEAD of a route is not unmatched");
    }

    /** The access log records a request just after its response: give it a moment. */
    private static RequestRecord recorded(String requestId) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (RequestRecord r : server.requests()) {
                if (requestId.equals(r.requestId())) {
                    return r;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no request " + requestId + " recorded");
    }

    private static void assertMirrors(Http client, String path, int status) {
        Response get = client.get(path);
        Response head = client.send("HEAD", path, null);
        assertEquals(status, get.status(), "GET " + path + ": " + get);
        assertEquals(status, head.status(), "HEAD " + path + ": " + head);
        assertEquals(get.header("Content-Type"), head.header("Content-Type"), "HEAD " + path);
        assertEquals("", head.body());
    }
}
