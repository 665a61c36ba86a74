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
                // names that cross: replayed item by item, the earlier entry takes "x" before the
                // later one had it and let it go
                String p = id(app.post(base + "/entry", "{\"name\":\"p\"}"));
                String q = id(app.post(base + "/entry", "{\"name\":\"x\"}"));
                ok(app.put(base + "/entry/" + q, "{\"name\":\"z\"}"));
                ok(app.put(base + "/entry/" + p, "{\"name\":\"x\"}"));
                ok(app.put(base, "{\"name\":\"renamed " + c + "\"}"));
                // a JSON Schema for the entries from here on: kept as sent, and in force after an import
                ok(app.put(base, "{\"schema\":{\"$comment\":\"kept ✓\",\"properties\":{\"unicode\":{\"type\":\"string\"},"
                        + "\"n\":{\"type\":\"number\",\"multipleOf\":0.10}}}}"));
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

    @Test
    void exportImportExportIsByteIdentical() {
        String first = api.get("/api/export").body();
        // another server with tables of its own, whose app-a is empty; MAX_BODY_BYTES far below the
        // size of the stream, which an import reads line by line
        try (TestServer other = TestServer.start(java.util.Map.of("MAX_BODY_BYTES", "1024"))) {
            assertTrue(first.getBytes(StandardCharsets.UTF_8).length > 10 * 1024);
            Response imported = ndjson(other.appA(), "/api/import", first);
            assertEquals(200, imported.status(), imported.toString());
            long lines = lines(first).size();
            assertEquals(lines, imported.json().path("lines").asLong());
            assertEquals(lines, imported.json().path("written").asLong());
            assertEquals("app-a", imported.json().path("application").asText());
            assertEquals(first, other.appA().get("/api/export").body(), "export, import, export again: byte-identical");
            // the imported data is served as any other: names registered, deletes kept
            Response collections = other.appA().get("/api/user/ann/collection?filter=current");
            assertEquals(api.get("/api/user/ann/collection?filter=current").body(), collections.body());

            // a second import into the now non-empty application: 409, nothing written
            Response again = ndjson(other.appA(), "/api/import", first);
            assertEquals(409, again.status(), again.toString());
            assertEquals("conflict", again.json().path("error").asText());
            // resume finds everything stored and writes nothing
            Response resumed = ndjson(other.appA(), "/api/import?resume=true", first);
            assertEquals(200, resumed.status(), resumed.toString());
            assertEquals(0, resumed.json().path("written").asLong());
            assertEquals(lines, resumed.json().path("skipped").asLong());
            assertEquals(first, other.appA().get("/api/export").body());
        }
    }

    @Test
    void anImportIntoAnotherApplicationRewritesTheApplication() {
        String first = api.get("/api/export").body();
        try (TestServer other = TestServer.start()) {
            Response imported = ndjson(other.appB(), "/api/import", first);
            assertEquals(200, imported.status(), imported.toString());
            assertEquals(first.replace("\"application\":\"app-a\"", "\"application\":\"app-b\""), other.appB().get("/api/export").body());
            assertEquals(204, other.appA().get("/api/export").status());
        }
    }

    @Test
    void anImportCutShortIsFinishedByARerunWithResume() {
        String first = api.get("/api/export").body();
        List<String> all = lines(first);
        try (TestServer other = TestServer.start()) {
            // the stream breaks off at line 60: a line that is not JSON
            String broken = String.join("\n", all.subList(0, 59)) + "\n{\"meta\": broken\n" + String.join("\n", all.subList(59, all.size())) + "\n";
            Response stopped = ndjson(other.appA(), "/api/import", broken);
            assertEquals(400, stopped.status(), stopped.toString());
            assertTrue(stopped.json().path("message").asText().startsWith("line 60: malformed JSON"), stopped.toString());
            Response resumed = ndjson(other.appA(), "/api/import?resume=true", first);
            assertEquals(200, resumed.status(), resumed.toString());
            assertTrue(resumed.json().path("skipped").asLong() >= 58, resumed.toString());
            assertEquals(all.size(), resumed.json().path("skipped").asLong() + resumed.json().path("written").asLong());
            assertEquals(first, other.appA().get("/api/export").body());
        }
    }

    @Test
    void badLinesAre400NamingTheLine() throws Exception {
        List<String> all = lines(api.get("/api/export").body());
        String v1 = all.get(0);
        String v2 = all.get(1);
        JsonNode second = JSON.readTree(v2);
        assertEquals(2, second.path("meta").path("version").asInt(), "the export starts with a collection's versions 1 and 2");
        String entryLine = all.stream().filter(l -> l.contains("\"entry\"")).findFirst().orElseThrow();
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(v2 + "\n", "line 1: collection");                               // starts at version 2
        cases.put(v1 + "\n" + v1 + "\n", "line 2: version 1");                   // versions out of order
        cases.put(v1 + "\n\n" + v2 + "\n" + v2 + "\n", "line 4: version 2");    // empty lines count, skip
        cases.put(entryLine + "\n", "line 1: entry");                            // an entry without its collection
        cases.put("[]\n", "line 1: a line must be a JSON object");
        cases.put(v1.replace("\"version\":1", "\"version\":\"1\"") + "\n", "line 1: meta.version");
        cases.put(v1.replace("\"meta\":{", "\"meta\":{\"extra\":1,") + "\n", "line 1: unknown field meta.extra");
        cases.put(v1.replace("\"user\":\"", "\"user\":\"bad id ") + "\n", "line 1: meta.user");
        for (var c : cases.entrySet()) {
            try (TestServer other = TestServer.start()) {
                Response r = ndjson(other.appA(), "/api/import", c.getKey());
                assertEquals(400, r.status(), c.getKey() + ": " + r);
                assertEquals("bad_request", r.json().path("error").asText());
                assertTrue(r.json().path("message").asText().startsWith(c.getValue()), c.getValue() + " <- " + r.json().path("message"));
            }
        }
    }

    @Test
    void aReadOnlyKeyCannotImportAndTheBodyMustBeNdjson() {
        String first = api.get("/api/export").body();
        try (TestServer other = TestServer.start()) {
            Response readOnly = ndjson(other.http().with("x-api-key", TestServer.KEY_A_READ), "/api/import", first);
            assertEquals(403, readOnly.status(), readOnly.toString());
            Response json = other.appA().post("/api/import", "{}");
            assertEquals(415, json.status(), json.toString());
            Response badResume = ndjson(other.appA(), "/api/import?resume=yes", first);
            assertEquals(400, badResume.status(), badResume.toString());
            assertEquals(204, other.appA().get("/api/export").status(), "nothing was written");
        }
        // the application of this class is not empty
        Response conflict = ndjson(api, "/api/import", first);
        assertEquals(409, conflict.status(), conflict.toString());
    }

    @Test
    void aRefusedImportIsAnsweredWhileItsBodyIsStillComing() {
        // about 180 KB: more than the socket buffers take, so the client is still sending when the
        // refusal is ready; the client must get that answer, not a broken connection
        String line = "{\"meta\":{\"user\":\"u\"},\"name\":\"" + "x".repeat(900) + "\"}\n";
        String body = line.repeat(200);
        try (TestServer other = TestServer.start()) {
            Http readOnly = other.http().with("x-api-key", TestServer.KEY_A_READ);
            // each refusal is followed by a small request, which the client sends on the same connection
            for (int round = 0; round < 12; round++) {
                assertEquals(400, ndjson(other.appA(), "/api/import?resume=yes", body).status(), "bad resume, round " + round);
                assertEquals(200, other.appA().get("/api/user/u/collection").status(), "after a bad resume, round " + round);
                assertEquals(415, other.appA().post("/api/import", body).status(), "not NDJSON, round " + round);
                assertEquals(200, other.appA().get("/api/user/u/collection").status(), "after not NDJSON, round " + round);
                assertEquals(403, ndjson(readOnly, "/api/import", body).status(), "read-only key, round " + round);
                assertEquals(409, ndjson(api, "/api/import", body).status(), "application not empty, round " + round);
                assertEquals(200, api.get("/api/user/u/collection").status(), "after not empty, round " + round);
            }
            assertEquals(204, other.appA().get("/api/export").status(), "nothing was written");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Response ndjson(Http client, String path, String body) {
        return client.with("Content-Type", "application/x-ndjson").post(path, body);
    }

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
