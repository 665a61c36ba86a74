package dev.dynamini.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.http.RequestRecord;
import dev.dynamini.testing.FaultyServer;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.FaultyHttpClient;
import dev.dynamini.testing.FaultyHttpClient.Failure;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB's refusals, forged on the wire as in {@link ThrottlingTest}: a request DynamoDB finds
 * invalid is the client's 400 (never a 500), and a failure while a long list is being sent cuts the
 * answer off rather than ending it as if it were whole.
 */
class DynamoRefusalTest {
    private static DynamoLocalServer local;
    private static TestServer server;
    private static FaultyHttpClient faulty;
    private static Http app;
    private static String entries;

    @BeforeAll
    static void start() {
        local = DynamoLocalServer.start();
        Map<String, String> env = local.env(5000);
        FaultyServer running = FaultyServer.start(env);
        server = running.server();
        faulty = running.faulty();
        app = server.appA();
        Response c = app.post("/api/user/r/collection", "{\"name\":\"refusals\"}");
        entries = "/api/user/r/collection/" + c.json().path("meta").path("collection").asText() + "/entry";
        // 8 x 200 KB: two DynamoDB pages
        String blob = "x".repeat(200 * 1024);
        for (int i = 0; i < 8; i++) {
            assertEquals(201, app.post(entries, "{\"name\":\"e" + i + "\",\"value\":{\"blob\":\"" + blob + "\"}}").status());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        local.close();
    }

    @AfterEach
    void stopFailing() {
        faulty.clearFailures();
    }

    @Test
    void aRequestDynamoDbFindsInvalidIs400() {
        faulty.fail("Query", 0, Failure.INVALID);
        assertBadRequest(app.get(entries));
        faulty.fail("GetItem", 0, Failure.INVALID);
        assertBadRequest(app.get(entries + "?name=e1"));
        faulty.fail("PutItem", 0, Failure.INVALID); // the name's claim
        assertBadRequest(app.post(entries, "{\"name\":\"refused\"}"));
        faulty.clearFailures();
        faulty.fail("PutItem", 1, Failure.INVALID); // the version, after the claim
        assertBadRequest(app.post(entries, "{\"name\":\"refused\"}"));

        faulty.clearFailures();
        assertEquals(0, app.get(entries + "?name=refused").json().size(), "nothing was written");
    }

    @Test
    void aFailureBeforeAListIsSentIsAJsonError() {
        faulty.fail("Query", 1, Failure.THROTTLED); // the first page is read, the second is throttled
        Response page = app.get(entries + "?limit=1000"); // a page with a limit is read whole before it is sent
        assertEquals(429, page.status(), page.toString());
        assertEquals("throttled", page.json().path("error").asText());
    }

    @Test
    void aFailureWhileAListIsSentCutsTheAnswerOff() throws InterruptedException {
        faulty.fail("Query", 1, Failure.THROTTLED);
        UncheckedIOException cut = assertThrows(UncheckedIOException.class, () -> app.with("X-Request-Id", "cut-off-1").get(entries));
        assertTrue(cut.getCause() instanceof IOException, cut.toString());
        RequestRecord record = recorded("cut-off-1");
        assertEquals(429, record.status(), "the access log and metrics tell what happened: " + record);

        faulty.clearFailures();
        assertEquals(8, app.get(entries).json().size(), "and the server goes on serving");
    }

    /** The access-log record of a request; it lands as the server finishes, after the client has seen the cut. */
    private static RequestRecord recorded(String requestId) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            for (RequestRecord r : server.requests()) {
                if (r.requestId().equals(requestId)) {
                    return r;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no record of request " + requestId);
    }

    private static void assertBadRequest(Response r) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("bad_request", r.json().path("error").asText(), r.toString());
    }
}
