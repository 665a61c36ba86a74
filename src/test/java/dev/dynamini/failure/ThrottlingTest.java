package dev.dynamini.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.FaultyServer;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.FaultyHttpClient;
import dev.dynamini.testing.FaultyHttpClient.Failure;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB throttling, injected on the wire: DynamoDB Local never throttles, so the SDK's HTTP
 * client is wrapped to answer chosen operations with DynamoDB's throttling error. The server runs
 * its production client settings (retries, backoff, timeouts); only the answers are forged.
 */
class ThrottlingTest {
    private static DynamoLocalServer local;
    private static TestServer server;
    private static FaultyHttpClient faulty;

    @BeforeAll
    static void start() {
        local = DynamoLocalServer.start();
        // the production default timeout: throttling must come out as 429 well inside it
        Map<String, String> env = local.env(5000);
        FaultyServer running = FaultyServer.start(env);
        server = running.server();
        faulty = running.faulty();
    }

    @AfterAll
    static void stop() {
        server.close();
        local.close();
    }

    @AfterEach
    void stopThrottling() {
        faulty.throttle();
        faulty.cancelTransactionsAsThrottled(false);
    }

    @Test
    void throttledReadsAre429WithRetryAfterOnceTheSdkHasRetried() {
        Http app = server.appA();
        String c = create(app, "/api/user/t/collection", "{\"name\":\"reads\"}", "collection");
        faulty.throttle("GetItem", "Query");
        int before = faulty.attempts("GetItem");

        Response one = app.get("/api/user/t/collection/" + c);
        assertThrottled(one);
        assertTrue(faulty.attempts("GetItem") - before > 1, "the SDK retried before giving up");
        assertThrottled(app.get("/api/user/t/collection"));
        assertThrottled(app.get("/api/collection"));

        faulty.throttle();
        assertEquals(200, app.get("/api/user/t/collection/" + c).status());
    }

    @Test
    void aThrottledWriteIs429AndWritesNothing() {
        Http app = server.appA();
        String c = create(app, "/api/user/t/collection", "{\"name\":\"writes\"}", "collection");
        String entries = "/api/user/t/collection/" + c + "/entry";
        String e = create(app, entries, "{\"name\":\"e\",\"value\":{\"v\":1}}", "entry");
        faulty.throttle("PutItem"); // the first write of each change: the name's claim, or the version

        assertThrottled(app.post(entries, "{\"name\":\"f\",\"value\":{\"v\":1}}"));
        assertThrottled(app.put(entries + "/" + e, "{\"value\":{\"v\":2}}"));
        assertThrottled(app.delete(entries + "/" + e));
        assertThrottled(app.post(entries + "/" + e + "/restore", null));

        faulty.throttle();
        assertEquals(1, app.get(entries + "/" + e + "?filter=all").json().size(), "no version was added");
        assertEquals(1, app.get(entries).json().size(), "no entry was created");
        Response retried = app.post(entries, "{\"name\":\"f\",\"value\":{\"v\":1}}");
        assertEquals(201, retried.status(), "the same write succeeds once DynamoDB accepts it: " + retried);
    }

    @Test
    void aChangeWhoseHeadCannotBeMovedIs503AndShowsWithTheNextChange() {
        Http app = server.appA();
        String c = create(app, "/api/user/t/collection", "{\"name\":\"unconfirmed\"}", "collection");
        String e = create(app, "/api/user/t/collection/" + c + "/entry", "{\"value\":{\"v\":1}}", "entry");
        String one = "/api/user/t/collection/" + c + "/entry/" + e;
        faulty.fail("PutItem", 1, Failure.THROTTLED); // the version lands; the head, throttled after the SDK's retries, does not
        Response r = app.put(one, "{\"value\":{\"v\":2}}");
        faulty.clearFailures();
        assertEquals(503, r.status(), "not 429: the change was recorded and will show, so it must not read as refused: " + r);
        assertEquals("unavailable", r.json().path("error").asText());
        assertEquals(1, app.get(one).json().get(0).path("meta").path("version").asInt(), "not visible yet");
        assertEquals(1, app.get(one + "/versions").json().size());

        Response next = app.put(one, "{\"value\":{\"v\":3}}");
        assertEquals(200, next.status(), next.toString());
        assertEquals(3, next.json().path("meta").path("version").asInt(), "the next change rolled version 2 forward first");
        assertEquals(2, app.get(one + "/versions/2").json().path("value").path("v").asInt());
    }

    @Test
    void throttlingIsCountedInMetrics() {
        Http app = server.appA();
        faulty.throttle("Query");
        assertThrottled(app.get("/api/user/m/collection"));
        faulty.throttle();
        String metrics = server.http().get("/metrics").body();
        assertTrue(metrics.contains("dynamini_dynamodb_requests_total{operation=\"Query\",outcome=\"throttled\"}"), metrics);
        assertTrue(metrics.contains("route=\"/api/user/{user}/collection\",status=\"429\""), "429s by route");
    }

    @Test
    void readinessDoesNotDependOnDataPlaneThrottling() {
        faulty.throttle("GetItem", "Query", "PutItem");
        assertEquals(200, server.http().get("/ready").status(), "throttling is not an outage: keep the instance in rotation");
    }

    private static void assertThrottled(Response r) {
        assertEquals(429, r.status(), r.toString());
        assertEquals("throttled", r.json().path("error").asText());
        assertTrue(r.json().path("message").asText().length() > 0);
        assertEquals("1", r.header("Retry-After"));
    }

    private static String create(Http app, String path, String body, String idField) {
        Response r = app.post(path, body);
        assertEquals(201, r.status(), r.toString());
        return r.json().path("meta").path(idField).asText();
    }
}
