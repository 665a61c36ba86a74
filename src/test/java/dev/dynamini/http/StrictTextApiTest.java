package dev.dynamini.http;

import static dev.dynamini.http.ErrorsApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ByteLevelHttp;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Text is valid UTF-8 wherever a client can put it, and an unpaired surrogate is not text, whether
 * sent as bytes or as a JSON escape: in bodies (names, values' strings, object keys, even fields
 * the server ignores), in the query string and in the headers the server reads. Such a request is
 * 400 and writes nothing.
 */
class StrictTextApiTest extends ServerPerClass {
    private static final String USER = "strict";
    /** Byte sequences that are not UTF-8; each is put inside a JSON string or a query value. */
    private static final Map<String, byte[]> NOT_UTF8 = new LinkedHashMap<>();
    /** JSON escapes that leave a surrogate unpaired. */
    private static final List<String> LONE_SURROGATE_ESCAPES = List.of(
            "\\ud800", "\\udc00", "a\\ud800b", "\\ud800\\u0041", "\\udbff\\udbff", "\\ude00\\ud83d", "\\uD83D");

    static {
        NOT_UTF8.put("overlong '/' (C0 AF)", bytes(0xC0, 0xAF));
        NOT_UTF8.put("overlong 3-byte '/' (E0 80 AF)", bytes(0xE0, 0x80, 0xAF));
        NOT_UTF8.put("above U+10FFFF (F4 90 80 80)", bytes(0xF4, 0x90, 0x80, 0x80));
        NOT_UTF8.put("5-byte form (F8 88 80 80 80)", bytes(0xF8, 0x88, 0x80, 0x80, 0x80));
        NOT_UTF8.put("encoded high surrogate (ED A0 80)", bytes(0xED, 0xA0, 0x80));
        NOT_UTF8.put("encoded low surrogate (ED B0 80)", bytes(0xED, 0xB0, 0x80));
        NOT_UTF8.put("lone continuation byte (80)", bytes(0x80));
        NOT_UTF8.put("truncated sequence (E2 82)", bytes(0xE2, 0x82));
        NOT_UTF8.put("byte FF", bytes(0xFF));
    }

    private static String collection;
    private static String entry;

    @BeforeAll
    static void createItems() {
        collection = CollectionApiTest.create(api, USER, "kept");
        entry = EntryApiTest.createEntry(api, entries(), "{\"name\":\"e\",\"value\":{\"v\":1}}");
    }

    @Test
    void bodiesThatAreNotUtf8Are400AndWriteNothing() {
        for (Map.Entry<String, byte[]> bad : NOT_UTF8.entrySet()) {
            for (Attempt attempt : attempts(text -> join(text, bad.getValue(), text))) {
                Response r = api.sendBytes(attempt.method, attempt.path, attempt.body);
                assertEquals(400, r.status(), bad.getKey() + " in " + attempt + ": " + r);
                assertError(r, 400, "bad_request");
            }
        }
        assertNothingWritten();
    }

    @Test
    void unpairedSurrogatesSentAsJsonEscapesAre400AndWriteNothing() {
        for (String escape : LONE_SURROGATE_ESCAPES) {
            for (Attempt attempt : attempts(text -> join(text, escape.getBytes(StandardCharsets.US_ASCII), text))) {
                Response r = api.sendBytes(attempt.method, attempt.path, attempt.body);
                assertEquals(400, r.status(), escape + " in " + attempt + ": " + r);
                assertError(r, 400, "bad_request");
            }
        }
        assertNothingWritten();
    }

    @Test
    void textOfEveryPlaneIsKeptWhetherSentRawOrEscaped() throws Exception {
        String name = "n\u00e9\u2603\uD83D\uDE00\uFFFD\uDBFF\uDFFF"; // up to U+10FFFF, U+FFFD itself included
        byte[] body = join("{\"name\":\"", name.getBytes(StandardCharsets.UTF_8),
                "\",\"value\":{\"\\ud83d\\ude00 key\":\"\\ud83d\\ude00 \\u00e9\",\"raw\":\"", name.getBytes(StandardCharsets.UTF_8), "\"}}");
        Response created = api.sendBytes("POST", entries(), body);
        assertEquals(201, created.status(), created.toString());
        assertEquals(name, created.json().path("name").asText());
        JsonNode value = new ObjectMapper().readTree("{\"\uD83D\uDE00 key\":\"\uD83D\uDE00 \u00e9\",\"raw\":\"" + name + "\"}");
        assertEquals(value, created.json().path("value"));

        Response found = api.get(entries() + "?name=" + percentEncoded(name.getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, found.status(), found.toString());
        assertEquals(1, found.json().size(), found.toString());
        assertEquals(value, found.json().get(0).path("value"));
    }

    @Test
    void queryStringsThatAreNotUtf8Are400() {
        String collections = "/api/user/" + USER + "/collection";
        for (Map.Entry<String, byte[]> bad : NOT_UTF8.entrySet()) {
            String encoded = percentEncoded(bad.getValue());
            for (String path : List.of(collections + "?name=" + encoded, entries() + "?name=a" + encoded,
                    entries() + "/" + entry + "?filter=" + encoded, entries() + "/" + entry + "/versions?order=" + encoded,
                    collections + "?unknown=" + encoded, "/api/collection?limit=5&cursor=" + encoded)) {
                Response r = api.get(path);
                assertEquals(400, r.status(), bad.getKey() + " in " + path + ": " + r);
                assertError(r, 400, "bad_request");
            }
            // sent raw, not percent-encoded: Jetty hands such bytes on as U+FFFD
            Response raw = ByteLevelHttp.get(server.server().port(), ByteLevelHttp.join(collections + "?name=", bad.getValue()),
                    "x-api-key: " + TestServer.KEY_A);
            assertError(raw, 400, "bad_request");
        }
        for (String malformed : List.of("%ZZ", "%E", "a%", "%%41", "%C3%", "%-1")) {
            // sent raw: Java's HTTP client refuses to send these
            assertError(ByteLevelHttp.get(server.server().port(), collections + "?name=" + malformed, "x-api-key: " + TestServer.KEY_A),
                    400, "bad_request");
        }
        assertEquals(200, api.get(collections + "?name=%C3%A9%20%F0%9F%98%80").status(), "percent-encoded UTF-8 is fine");
    }

    @Test
    void headersTheServerReadsMustBeUtf8() {
        int port = server.server().port();
        String path = entries() + "/" + entry;
        for (Map.Entry<String, byte[]> bad : NOT_UTF8.entrySet()) {
            assertError(ByteLevelHttp.get(port, path, ByteLevelHttp.join("x-api-key: " + TestServer.KEY_A, bad.getValue())), 400, "bad_request");
            assertError(put(port, path, "x-api-key: " + TestServer.KEY_A, ByteLevelHttp.join("Content-Type: application/json; a=", bad.getValue())),
                    400, "bad_request");
            assertError(put(port, path, "x-api-key: " + TestServer.KEY_A, ByteLevelHttp.join("If-Match: \"1\"", bad.getValue())),
                    400, "bad_request");
            assertError(ByteLevelHttp.get(port, path, "x-api-key: " + TestServer.KEY_A, ByteLevelHttp.join("X-Request-Id: r", bad.getValue())),
                    400, "bad_request");
        }
        assertNothingWritten();
    }

    private static Response put(int port, String path, Object... headers) {
        return ByteLevelHttp.send(port, "PUT", path, "{\"value\":{\"v\":2}}".getBytes(StandardCharsets.US_ASCII), headers);
    }

    /** The requests that carry text in a body, each with {@code text} placed at one spot. */
    private static List<Attempt> attempts(Function<String, byte[]> at) {
        String collections = "/api/user/" + USER + "/collection";
        String one = entries() + "/" + entry;
        return List.of(
                new Attempt("POST", collections, wrap("{\"name\":\"x", at, "\"}")),
                new Attempt("PUT", collections + "/" + collection, wrap("{\"name\":\"", at, "\"}")),
                new Attempt("POST", entries(), wrap("{\"name\":\"", at, "\"}")),
                new Attempt("POST", entries(), wrap("{\"value\":{\"k\":\"", at, "\"}}")),
                new Attempt("POST", entries(), wrap("{\"value\":{\"", at, "\":1}}")),
                new Attempt("PUT", one, wrap("{\"value\":[1,{\"deep\":[\"", at, "\"]}]}")),
                new Attempt("PUT", one, wrap("{\"meta\":{\"ignored\":\"", at, "\"},\"name\":\"e2\"}")),
                new Attempt("POST", one + "/restore", wrap("{\"version\":1,\"note\":\"", at, "\"}")));
    }

    /** {@code prefix}, the bad text (with a character either side), {@code suffix}. */
    private static byte[] wrap(String prefix, Function<String, byte[]> at, String suffix) {
        return join(prefix, at.apply("x"), suffix);
    }

    private record Attempt(String method, String path, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path + " " + new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertNothingWritten() {
        Response collections = api.get("/api/user/" + USER + "/collection?filter=all");
        assertEquals(200, collections.status(), collections.toString());
        for (JsonNode c : collections.json()) {
            assertEquals(1, c.path("meta").path("version").asInt(), "no collection changed: " + collections);
        }
        Response versions = api.get(entries() + "/" + entry + "/versions");
        assertEquals(200, versions.status(), versions.toString());
        assertEquals(1, versions.json().size(), "the entry did not change: " + versions);
        Response all = api.get(entries() + "?filter=all");
        assertEquals(200, all.status(), all.toString());
        for (JsonNode e : all.json()) {
            assertEquals(1, e.path("meta").path("version").asInt(), all.toString());
            String text = e.path("name").asText("");
            assertEquals(-1, text.indexOf('/'), "no overlong '/' became a slash: " + all);
        }
    }

    private static String entries() {
        return "/api/user/" + USER + "/collection/" + collection + "/entry";
    }

    private static String percentEncoded(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append('%').append(String.format("%02X", b & 0xFF));
        }
        return out.toString();
    }

    private static byte[] join(Object... parts) {
        return ByteLevelHttp.join(parts);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
