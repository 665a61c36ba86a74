package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/export and POST /api/import, over real HTTP on DynamoDB Local. */
class ExportImportApiTest extends ServerPerClass {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] VALUES = {
        "{\"n\":1.10,\"big\":123456789012345678901234567890,\"e\":1e2,\"t\":true,\"f\":false,\"nul\":null,\"s\":\"ünï©ødé 😀\"}",
        "[1,\"two\",[3],{\"z\":1,\"a\":2}]",
        "\"just a string \\u0000 \\\" \\\\ ✓\"",
        "-0.000",
        "true",
        "false",
        "{}",
        "[]",
    };

    /** Users, collections, entries with many versions, deletes and restores, every kind of value. */
    @BeforeAll
    static void buildData() {
        build(api);
    }

    static void build(Http app) {
        for (String user : List.of("ann", "bob", "zoë-not-valid".replace("ë", "e"))) {
            for (int c = 0; c < 2; c++) {
                String coll = id(app.post("/api/user/" + user + "/collection", "{\"name\":\"list " + c + " ✓\",\"value\":{\"c\":" + c + "}}"));
                String base = "/api/user/" + user + "/collection/" + coll;
                for (int e = 0; e < 3; e++) {
                    String entry = id(app.post(base + "/entry", "{\"name\":\"e" + e + "\",\"value\":" + VALUES[e] + "}"));
                    for (int v = 0; v < VALUES.length; v++) {
                        ok(app.put(base + "/entry/" + entry, "{\"value\":" + VALUES[(v + e) % VALUES.length] + "}"));
                    }
                    if (e == 1) {
                        ok(app.delete(base + "/entry/" + entry));
                        ok(app.post(base + "/entry/" + entry + "/restore", "{\"version\":2}"));
                    }
                    if (e == 2) {
                        ok(app.delete(base + "/entry/" + entry));
                    }
                }
                ok(app.put(base, "{\"name\":\"renamed " + c + "\"}"));
                ok(app.put(base + "/entry/chosen-id", "{\"value\":{\"unicode\":\"日本語\"}}"));
                if (c == 1) {
                    ok(app.delete(base));
                }
            }
        }
    }

    @Test
    void everyVersionIsALineAsTheApiShowsIt() throws Exception {
        Response export = api.get("/api/export");
        assertEquals(200, export.status(), export.toString());
        assertEquals("application/x-ndjson", export.header("Content-Type"));
        List<String> lines = lines(export.body());
        // 3 users × 2 collections × (collection versions + 3 entries' versions + chosen-id)
        assertTrue(lines.size() > 150, "lines: " + lines.size());
        String previous = null;
        for (String line : lines) {
            JsonNode meta = JSON.readTree(line).path("meta");
            assertEquals("app-a", meta.path("application").asText());
            String path = "/api/user/" + meta.path("user").asText() + "/collection/" + meta.path("collection").asText()
                    + (meta.has("entry") ? "/entry/" + meta.path("entry").asText() : "") + "/versions/" + meta.path("version").asLong();
            Response version = api.get(path);
            assertEquals(line, version.body(), "the line is the API's item");
            String order = orderKey(meta);
            if (previous != null) {
                assertTrue(previous.compareTo(order) < 0, previous + " before " + order);
            }
            previous = order;
        }
        assertEquals(export.body(), api.get("/api/export").body(), "two exports are byte-identical");
        assertTrue(export.body().endsWith("\n"));
    }

    @Test
    void anExportResumesRightAfterAnyLine() throws Exception {
        List<String> lines = lines(api.get("/api/export").body());
        for (int i : new int[] {0, 1, 5, 17, 40, lines.size() / 2, lines.size() - 2, lines.size() - 1}) {
            Response rest = api.get("/api/export?after=" + URLEncoder.encode(token(lines.get(i)), StandardCharsets.UTF_8));
            assertEquals(i == lines.size() - 1 ? 204 : 200, rest.status(), rest.toString());
            assertEquals(String.join("", lines.subList(i + 1, lines.size()).stream().map(l -> l + "\n").toList()), rest.body(),
                    "after line " + i);
        }
    }

    @Test
    void aReadOnlyKeyMayExport() {
        Response export = server.http().with("x-api-key", TestServer.KEY_A_READ).get("/api/export");
        assertEquals(200, export.status(), export.toString());
        assertEquals(api.get("/api/export").body(), export.body());
        Response head = server.http().with("x-api-key", TestServer.KEY_A_READ).head("/api/export");
        assertEquals(200, head.status(), head.toString());
    }

    @Test
    void anotherApplicationExportsNothingOfIt() {
        Response export = server.appB().get("/api/export");
        assertEquals(204, export.status(), export.toString());
        assertEquals("", export.body());
    }

    @Test
    void aBadResumeTokenIs400() {
        for (String bad : List.of("x", "ann/c/0", "ann/c/e/v", "a/b/c/d/1", "bad%20id/c/1")) {
            Response r = api.get("/api/export?after=" + bad);
            assertEquals(400, r.status(), bad + ": " + r);
            assertEquals("bad_request", r.json().path("error").asText());
        }
        assertEquals(401, server.http().get("/api/export").status());
    }

    // ---- helpers --------------------------------------------------------------------------------

    static List<String> lines(String body) {
        if (body.isEmpty()) {
            return List.of();
        }
        assertTrue(body.endsWith("\n"), "every line ends in a newline");
        return new ArrayList<>(Arrays.asList(body.substring(0, body.length() - 1).split("\n", -1)));
    }

    static String token(String line) throws Exception {
        JsonNode meta = JSON.readTree(line).path("meta");
        return meta.path("user").asText() + "/" + meta.path("collection").asText()
                + (meta.has("entry") ? "/" + meta.path("entry").asText() : "") + "/" + meta.path("version").asLong();
    }

    /** Collections by id (then user), each before its entries (by id); versions ascending. */
    private static String orderKey(JsonNode meta) {
        return meta.path("collection").asText() + "|" + meta.path("user").asText() + "|"
                + (meta.has("entry") ? "1" + meta.path("entry").asText() : "0") + "|" + String.format("%010d", meta.path("version").asLong());
    }

    private static String id(Response created) {
        assertEquals(201, created.status(), created.toString());
        JsonNode meta = created.json().path("meta");
        return meta.has("entry") ? meta.path("entry").asText() : meta.path("collection").asText();
    }

    private static void ok(Response response) {
        assertTrue(response.status() == 200 || response.status() == 201, response.toString());
    }
}
