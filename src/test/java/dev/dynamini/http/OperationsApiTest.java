package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routes and headers for operators: health, readiness, Prometheus metrics, request ids, CORS. */
class OperationsApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthAndReadinessNeedNoKey() {
        Response health = server.http().get("/health");
        assertEquals(200, health.status());
        assertEquals("up", health.json().path("status").asText());
        Response ready = server.http().get("/ready");
        assertEquals(200, ready.status());
        assertEquals("ready", ready.json().path("status").asText());
        assertTrue(ready.header("Content-Type").startsWith("application/json"));
    }

    @Test
    void metricsArePrometheusTextWithRoutesStatusesLatencyAndDynamoDbUsage() {
        Http app = server.appA();
        Response created = app.post("/api/user/m/collection", "{\"name\":\"metered\"}");
        assertEquals(201, created.status());
        String c = created.json().path("meta").path("collection").asText();
        assertEquals(200, app.get("/api/user/m/collection/" + c).status());
        assertEquals(404, app.get("/api/user/m/collection/nope").status());
        assertEquals(401, server.http().get("/api/user/m/collection").status());
        server.http().send("BREW", "/api/user/m/collection", null);

        Response metrics = server.http().get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"), metrics.header("Content-Type"));
        String text = metrics.body();
        assertTrue(text.contains("# TYPE dynamini_http_requests_seconds histogram"), text);
        assertTrue(text.contains("dynamini_http_requests_seconds_bucket{method=\"POST\",route=\"/api/user/{user}/collection\",status=\"201\",le=\"0.005\"}"), text);
        assertTrue(text.contains("dynamini_http_requests_seconds_count{method=\"GET\",route=\"/api/user/{user}/collection/{collection}\",status=\"404\"} 1"), text);
        assertTrue(text.contains("route=\"/api/user/{user}/collection\",status=\"401\""), "a 401 keeps its route");
        assertTrue(text.contains("method=\"OTHER\""), "methods outside HTTP's own are one label");
        assertTrue(text.contains("dynamini_dynamodb_requests_total{operation=\"PutItem\",outcome=\"ok\"}"), text);
        assertTrue(text.contains("dynamini_dynamodb_requests_total{operation=\"GetItem\",outcome=\"ok\"}"), text);
        assertTrue(text.contains("dynamini_http_requests_in_flight"), text);
        assertTrue(value(text, "dynamini_dynamodb_consumed_write_capacity_units_total") > 0);
        assertTrue(value(text, "dynamini_dynamodb_consumed_read_capacity_units_total") > 0);
        assertTrue(!text.contains("/api/user/m/"), "raw paths (user ids) never become labels");
        for (String jvmAndProcess : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "process_cpu_usage", "system_cpu_count", "process_uptime_seconds", "process_files_open_files"}) {
            assertTrue(text.contains(jvmAndProcess), "Micrometer's JVM and process binders: " + jvmAndProcess);
        }
    }

    @Test
    void consumedCapacityInMetricsAddsUpToWhatEachRequestReported() {
        TestServer fresh = TestServer.start();
        try {
            Http app = fresh.appA();
            String c = app.post("/api/user/sum/collection", "{\"name\":\"a\"}").json().path("meta").path("collection").asText();
            app.put("/api/user/sum/collection/" + c, "{\"name\":\"b\"}");
            app.get("/api/user/sum/collection/" + c + "/versions");
            app.get("/api/user/sum/collection?filter=all");
            String text = fresh.http().get("/metrics").body();
            awaitRecords(fresh, 4); // the access log records a request just after its response
            double read = fresh.requests().stream().mapToDouble(r -> r.dynamo().readUnits()).sum();
            double write = fresh.requests().stream().mapToDouble(r -> r.dynamo().writeUnits()).sum();
            assertEquals(read, value(text, "dynamini_dynamodb_consumed_read_capacity_units_total"), 1e-9);
            assertEquals(write, value(text, "dynamini_dynamodb_consumed_write_capacity_units_total"), 1e-9);
        } finally {
            fresh.close();
        }
    }

    @Test
    void requestIdsAreEchoedWhenSafeAndGeneratedOtherwise() {
        Response echoed = server.http().with("X-Request-Id", "client-trace_42.a:b").get("/health");
        assertEquals("client-trace_42.a:b", echoed.header("X-Request-Id"));

        Response generated = server.http().get("/health");
        assertNotNull(generated.header("X-Request-Id"));
        assertTrue(generated.header("X-Request-Id").matches("[0-9a-f-]{36}"), generated.header("X-Request-Id"));
        assertNotEquals(generated.header("X-Request-Id"), server.http().get("/health").header("X-Request-Id"));

        // ids that could forge log lines or bloat them are replaced
        Response unsafe = server.http().with("X-Request-Id", "a b\"c").get("/health");
        assertTrue(unsafe.header("X-Request-Id").matches("[0-9a-f-]{36}"), unsafe.header("X-Request-Id"));
        Response tooLong = server.http().with("X-Request-Id", "x".repeat(129)).get("/health");
        assertTrue(tooLong.header("X-Request-Id").matches("[0-9a-f-]{36}"));

        Response error = server.http().with("X-Request-Id", "err-1").get("/api/user/u/collection");
        assertEquals(401, error.status());
        assertEquals("err-1", error.header("X-Request-Id"), "errors carry the request id too");
    }

    @Test
    void corsAnswersPreflightsForAnyOriginByDefault() {
        Response preflight = server.http()
                .with("Origin", "https://app.example.com")
                .with("Access-Control-Request-Method", "PUT")
                .with("Access-Control-Request-Headers", "x-api-key, content-type, if-match")
                .send("OPTIONS", "/api/user/u/collection/c1", null);
        assertEquals(200, preflight.status(), preflight.toString());
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("PUT"));
        String allowed = preflight.header("Access-Control-Allow-Headers").toLowerCase();
        assertTrue(allowed.contains("x-api-key") && allowed.contains("if-match"), allowed);

        Response actual = server.appA().with("Origin", "https://app.example.com").get("/api/user/u/collection");
        assertEquals("*", actual.header("Access-Control-Allow-Origin"));
        String exposed = actual.header("Access-Control-Expose-Headers");
        for (String header : new String[] {"ETag", "Link", "X-Next-Cursor", "X-Request-Id", "Retry-After"}) {
            assertTrue(exposed.contains(header), "a browser may read " + header + ": " + exposed);
        }
    }

    @Test
    void corsOriginsCanBeRestricted() {
        try (TestServer restricted = TestServer.start(Map.of("CORS_ORIGINS", "https://app.example.com, https://admin.example.com"))) {
            for (String origin : new String[] {"https://app.example.com", "https://admin.example.com"}) {
                Response ok = restricted.http().with("Origin", origin).with("Access-Control-Request-Method", "POST")
                        .send("OPTIONS", "/api/user/u/collection", null);
                assertEquals(origin, ok.header("Access-Control-Allow-Origin"), ok.toString());
            }
            Response other = restricted.http().with("Origin", "https://evil.example.net").with("Access-Control-Request-Method", "POST")
                    .send("OPTIONS", "/api/user/u/collection", null);
            assertNull(other.header("Access-Control-Allow-Origin"), "an origin not listed gets no CORS grant");
            Response read = restricted.appA().with("Origin", "https://evil.example.net").get("/api/user/u/collection");
            assertEquals(200, read.status(), "served as usual, only without a CORS grant: " + read);
            assertNull(read.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void anUnlistedOriginIsAnsweredNormallyOnlyWithoutTheGrant() {
        try (TestServer restricted = TestServer.start(Map.of("CORS_ORIGINS", "https://app.example.com"))) {
            Http app = restricted.appA();
            Response created = app.post("/api/user/cors/collection", "{\"name\":\"shared\"}");
            String c = created.json().path("meta").path("collection").asText();
            Response plain = app.get("/api/user/cors/collection/" + c);

            Response foreign = app.with("Origin", "https://evil.example.net").get("/api/user/cors/collection/" + c);
            assertEquals(200, foreign.status(), foreign.toString());
            assertEquals(plain.body(), foreign.body());
            assertEquals(plain.header("ETag"), foreign.header("ETag"));
            assertNull(foreign.header("Access-Control-Allow-Origin"), "no CORS grant: the browser keeps the answer from the page");
            Response write = app.with("Origin", "https://evil.example.net").post("/api/user/cors/collection", "{\"name\":\"other\"}");
            assertEquals(201, write.status(), "not a browser's concern here: the API key decides");

            Response listed = app.with("Origin", "https://app.example.com").get("/api/user/cors/collection/" + c);
            assertEquals(200, listed.status());
            assertEquals("https://app.example.com", listed.header("Access-Control-Allow-Origin"));
            assertEquals(plain.body(), listed.body());

            awaitRecords(restricted, 5); // the access log records a request just after its response
            String metrics = restricted.http().get("/metrics").body();
            assertTrue(metrics.contains("dynamini_http_requests_seconds_count{method=\"GET\",route=\"/api/user/{user}/collection/{collection}\",status=\"200\"} 3"), metrics);
            assertTrue(!metrics.contains("status=\"400\""), "no request was counted as a 400: " + metrics);
        }
    }

    private static void awaitRecords(TestServer s, int count) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (s.requests().size() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static double value(String prometheus, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(prometheus);
        assertTrue(m.find(), name + " in " + prometheus);
        return Double.parseDouble(m.group(1));
    }
}
