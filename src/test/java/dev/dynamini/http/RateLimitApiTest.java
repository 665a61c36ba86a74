package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-key token buckets, over real HTTP. The rates are tiny (one token per 20 s) so that no token
 * comes back while a test runs: the outcome does not depend on how fast the machine is. Each test
 * uses keys of its own, as buckets live as long as the server.
 */
class RateLimitApiTest {
    /** One token every 20 seconds: a burst of requests is answered by the burst alone. */
    private static final String SLOW = "\"rate\":{\"perSecond\":0.05,\"burst\":3}";
    private static final String BURST = "key-burst-0123456";
    private static final String SAME_APP = "key-same-app-0123";
    private static final String OTHER_APP = "key-other-app-012";
    private static final String UNLIMITED = "key-unlimited-012";
    private static final String HEALTH = "key-health-012345";
    private static final String READ_ONLY = "key-readonly-0123";
    private static final Pattern LIMITED_METRIC = Pattern.compile(
            "(?m)^dynamini_http_requests_rate_limited_total\\{application=\"([^\"]+)\"} ([0-9.]+)$");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("API_KEYS", "["
                + key("app-a", BURST, SLOW) + "," + key("app-a", SAME_APP, SLOW) + ","
                + key("app-b", OTHER_APP, SLOW) + "," + key("app-a", UNLIMITED, null) + ","
                + key("app-c", HEALTH, "\"rate\":{\"perSecond\":0.05,\"burst\":1}") + ","
                + key("app-a", READ_ONLY, "\"access\":\"read\"," + SLOW) + "]"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String key(String application, String key, String extra) {
        return "{\"application\":\"" + application + "\",\"key\":\"" + key + "\"" + (extra == null ? "" : "," + extra) + "}";
    }

    private static Http as(String key) {
        return server.http().with("x-api-key", key);
    }

    /** POSTs {@code n} entries, one after another, into a collection of the key's own. */
    private static List<Response> burstOfWrites(String key, String collection, int n) {
        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(as(key).post("/api/user/u/collection/" + collection + "/entry", "{\"name\":\"e" + i + "\"}"));
        }
        return answers;
    }

    @Test
    void aBurstPassesThenEveryRequestIs429WithRetryAfterAndWritesNothing() {
        double limitedBefore = limitedCount("app-a");
        List<Response> answers = burstOfWrites(BURST, "burst", 8);
        List<Response> refused = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Response r = answers.get(i);
            if (i < 3) {
                assertEquals(201, r.status(), "within the burst: " + r);
                continue;
            }
            assertEquals(429, r.status(), "past the burst: " + r);
            assertEquals("rate_limited", r.json().path("error").asText(), r.toString());
            assertTrue(r.json().path("message").asText().contains("rate limit"), r.toString());
            assertEquals(2, r.json().size(), "only error and message: " + r);
            long retryAfter = Long.parseLong(r.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 20, "Retry-After " + retryAfter + " from a 20 s refill");
            refused.add(r);
        }
        for (Response r : refused) {
            RequestRecord record = record(r.header("X-Request-Id"));
            assertEquals(429, record.status());
            assertEquals("app-a", record.application());
            assertEquals(0, record.dynamo().requests(), "a refused request calls DynamoDB not at all: " + record);
        }
        // the unlimited key of the same application sees exactly the three that got through
        Response list = as(UNLIMITED).get("/api/user/u/collection/burst/entry");
        assertEquals(200, list.status(), list.toString());
        assertEquals(3, list.json().size(), list.body());
        assertEquals(limitedBefore + 5, limitedCount("app-a"), "/metrics counts each 429 by application");
    }

    @Test
    void otherKeysHaveBucketsOfTheirOwn() {
        assertEquals(List.of(201, 201, 201, 429), statuses(burstOfWrites(SAME_APP, "first", 4)));
        // the same application's other limited key, and another application's, start full
        assertEquals(List.of(201, 201, 201, 429), statuses(burstOfWrites(OTHER_APP, "other", 4)));
        // reads count as much as writes: the read-only key's bucket is its own too
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reads.add(as(READ_ONLY).get("/api/whoami").status());
        }
        assertEquals(List.of(200, 200, 200, 429), reads);
    }

    @Test
    void aKeyWithoutARateIsUnlimited() {
        List<Response> answers = burstOfWrites(UNLIMITED, "unlimited", 12);
        assertEquals(List.of(201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201), statuses(answers));
    }

    @Test
    void operationsRoutesAreNeverLimited() {
        assertEquals(200, as(HEALTH).get("/api/whoami").status());
        assertEquals(429, as(HEALTH).get("/api/whoami").status(), "its one token is spent");
        for (String path : List.of("/health", "/ready", "/metrics", "/health", "/ready", "/metrics", "/openapi.json")) {
            assertEquals(200, as(HEALTH).get(path).status(), path + " with a key that is over its limit");
        }
        // a CORS preflight carries no key and takes no token
        Response preflight = server.http().with("Origin", "https://app.example.com")
                .with("Access-Control-Request-Method", "GET").send("OPTIONS", "/api/whoami", null);
        assertTrue(preflight.status() < 300, preflight.toString());
    }

    @Test
    void unknownKeysAre401NotLimited() {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, as("not-a-key-at-all").get("/api/whoami").status());
        }
    }

    @Test
    void theEnvironmentsDefaultHoldsKeysWithoutARateOfTheirOwn() {
        try (TestServer limited = TestServer.start(Map.of("RATE_LIMIT_PER_SECOND", "0.05", "RATE_LIMIT_BURST", "2",
                "API_KEYS", "[" + key("app-a", "key-default-01234", null) + ","
                        + key("app-a", "key-own-rate-0123", "\"rate\":{\"perSecond\":0.05,\"burst\":4}") + "]"))) {
            assertEquals(List.of(200, 200, 429), whoAmI(limited, "key-default-01234", 3), "the default: burst 2");
            assertEquals(List.of(200, 200, 200, 200, 429), whoAmI(limited, "key-own-rate-0123", 5), "its own rate wins");
        }
    }

    private static List<Integer> whoAmI(TestServer on, String key, int times) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            statuses.add(on.http().with("x-api-key", key).get("/api/whoami").status());
        }
        return statuses;
    }

    private static List<Integer> statuses(List<Response> answers) {
        return answers.stream().map(Response::status).toList();
    }

    private static double limitedCount(String application) {
        Matcher m = LIMITED_METRIC.matcher(server.http().get("/metrics").body());
        while (m.find()) {
            if (m.group(1).equals(application)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    /** The access log's record of a request; it lands as the response completes, so wait a moment. */
    private static RequestRecord record(String requestId) {
        long deadline = System.currentTimeMillis() + 2000;
        while (System.currentTimeMillis() < deadline) {
            for (RequestRecord r : server.requests()) {
                if (r.requestId().equals(requestId)) {
                    return r;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no record of request " + requestId);
    }
}
