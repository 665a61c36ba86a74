package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.OpenApiContract;
import dev.dynamini.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error a client can provoke has the one JSON shape {@code {"error", "message"}} (plus the
 * item concerned for 409 and 412), a 4xx status, and never a stack trace or a 500.
 */
class ErrorsApiTest {
    private static final int MAX_BODY = 4096;
    private static TestServer server;
    private static String collectionPath;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MAX_BODY_BYTES", Integer.toString(MAX_BODY)));
        Response created = server.appA().post("/api/user/err/collection", "{\"name\":\"errors\"}");
        collectionPath = "/api/user/err/collection/" + created.json().path("meta").path("collection").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void badInputIs400() {
        Http app = server.appA();
        assertError(app.post("/api/user/err/collection", "{\"name\": "), 400, "bad_request");
        assertError(app.post("/api/user/err/collection", "{\"name\": 12}"), 400, "bad_request");
        assertError(app.post("/api/user/err/collection", "[]"), 400, "bad_request");
        assertError(app.post("/api/user/err/collection", ""), 400, "bad_request");
        assertError(app.post(collectionPath + "/entry", "{\"value\": undefined}"), 400, "bad_request");
        assertError(app.get("/api/user/bad%20user/collection"), 400, "bad_request");
        assertError(app.get("/api/user/err/collection?limit=0"), 400, "bad_request");
        assertError(app.get("/api/user/err/collection?limit=lots"), 400, "bad_request");
        assertError(app.get(collectionPath + "/versions?order=sideways"), 400, "bad_request");
        assertError(app.get(collectionPath + "/versions/zero"), 400, "bad_request");
        assertError(app.with("If-Match", "not-an-etag").put(collectionPath, "{\"name\":\"x\"}"), 400, "bad_request");
        assertError(app.post("/api/user/err/collection", "{\"name\":\"deep\",\"value\":" + "[".repeat(1500) + "]".repeat(1500) + "}"),
                400, "bad_request");
    }

    @Test
    void authIs401And403() {
        assertError(server.http().get("/api/collection"), 401, "unauthorized");
        assertError(server.http().with("x-api-key", "nope-nope-nope").get("/api/collection"), 401, "unauthorized");
        assertError(server.http().with("x-api-key", TestServer.KEY_A_READ).post("/api/user/err/collection", "{\"name\":\"ro\"}"),
                403, "forbidden");
    }

    @Test
    void unknownRoutesAre404AndUnknownMethods405() {
        assertError(server.appA().get("/api/user/err/collection/nope"), 404, "not_found");
        assertError(server.appA().get("/api/nothing/here"), 404, "not_found");
        assertError(server.http().get("/api/nothing/here"), 404, "not_found"); // no key needed to learn that
        assertError(server.http().get("/"), 404, "not_found");
        assertError(server.http().get("/favicon.ico"), 404, "not_found");

        Response post = server.appA().send("POST", collectionPath, "{\"name\":\"x\"}");
        assertError(post, 405, "method_not_allowed");
        assertEquals(Set.of("DELETE", "GET", "HEAD", "PATCH", "PUT"), Set.of(post.header("Allow").split(",\\s*")));
        assertError(server.http().send("DELETE", "/health", null), 405, "method_not_allowed");
        assertError(server.http().send("BREW", "/metrics", null), 405, "method_not_allowed");
    }

    @Test
    void conflictsAre409And412WithTheItem() {
        Http app = server.appA();
        app.post("/api/user/err/collection", "{\"name\":\"taken\"}");
        Response other = app.post("/api/user/err/collection", "{\"name\":\"other\"}");
        String otherPath = "/api/user/err/collection/" + other.json().path("meta").path("collection").asText();

        Response clash = app.put(otherPath, "{\"name\":\"taken\"}");
        assertError(clash, 409, "conflict");
        assertEquals("taken", clash.json().path("item").path("name").asText());

        Response stale = app.with("If-Match", "\"7\"").put(otherPath, "{\"name\":\"renamed\"}");
        assertError(stale, 412, "precondition_failed");
        assertEquals(1, stale.json().path("item").path("meta").path("version").asLong());
        assertEquals("\"1\"", stale.header("ETag"));
    }

    @Test
    void bodiesOverMaxBodyBytesAre413WhetherDeclaredOrStreamed() throws Exception {
        String big = "{\"name\":\"big\",\"value\":{\"x\":\"" + "a".repeat(MAX_BODY) + "\"}}";
        assertError(server.appA().post(collectionPath + "/entry", big), 413, "payload_too_large");

        // chunked: no Content-Length to reject up front, the limit applies while reading
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(server.baseUrl() + collectionPath + "/entry"))
                .header("x-api-key", TestServer.KEY_A).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        Response streamed = new Response(r.statusCode(), r.headers().map(), r.body());
        OpenApiContract.check("POST", chunked.uri().getRawPath(), streamed);
        assertError(streamed, 413, "payload_too_large");
        assertTrue(r.body().contains(Integer.toString(MAX_BODY)), "says what the limit is: " + r.body());

        assertEquals(0, server.appA().get(collectionPath + "/entry?filter=all").json().size(), "nothing was written");
        String fits = "{\"name\":\"fits\",\"value\":{\"x\":\"" + "a".repeat(MAX_BODY - 100) + "\"}}";
        assertEquals(201, server.appA().post(collectionPath + "/entry", fits).status(), "a body within the limit is fine");
    }

    @Test
    void bodiesThatAreNotJsonAre415() {
        Http app = server.appA();
        assertError(app.with("Content-Type", "text/plain").post("/api/user/err/collection", "name=x"), 415, "unsupported_media_type");
        assertError(app.with("Content-Type", "application/x-www-form-urlencoded").post(collectionPath + "/entry", "name=x"),
                415, "unsupported_media_type");
        assertEquals(201, app.with("Content-Type", "application/json; charset=utf-8").post("/api/user/err/collection",
                "{\"name\":\"charset\"}").status());
        assertEquals(201, app.with("Content-Type", "application/merge-patch+json").post("/api/user/err/collection",
                "{\"name\":\"suffix\"}").status(), "+json media types are JSON");
    }

    @Test
    void requestsJettyRejectsBeforeRoutingGetTheSameShape() throws IOException {
        assertError(raw("GET /api/user/%zz/collection HTTP/1.1\r\nHost: x\r\nx-api-key: " + TestServer.KEY_A + "\r\n\r\n"),
                400, "bad_request");
        assertError(raw("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri_too_long");
        assertError(raw("GET /api/user/u/collection?name=" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri_too_long");
        // Jetty writes an error page only for GET, POST and HEAD unless told otherwise
        for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT"}) {
            for (String path : new String[] {"/api/user/%ff/collection/c", "/api/user/a|b/collection/c", "/api/user/%zz/collection/c"}) {
                assertError(raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + TestServer.KEY_A
                        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"), 400, "bad_request");
            }
        }
        assertError(raw("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\nConnection: close\r\n\r\n"), 404, "not_found");
        assertError(raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"), 431, "headers_too_large");
        assertError(raw("GET /api/user/u/collection HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9_000) + "\r\n\r\n"), 431, "headers_too_large");
    }

    @Test
    void aClientThatSendsLessBodyThanItDeclaredIsNotA500() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/user/err/collection HTTP/1.1\r\nHost: x\r\nx-api-key: " + TestServer.KEY_A
                    + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"name\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        }
        RequestRecord record = RequestRecordAssert.last(server, "POST");
        assertNotEquals(500, record.status(), record.toString());
        assertTrue(record.status() == 400 || record.status() == 408, record.toString());
    }

    /** A mixed bag of odd requests: whatever they get, it is a JSON error of the 4xx family. */
    @Test
    void oddRequestsNeverGet500() {
        Http app = server.appA();
        List<Response> responses = new ArrayList<>();
        for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
            for (String path : List.of("/api", "/api/", "/api/user", "/api/user//collection", "/api/user/u/collection/%2e%2e",
                    "/api/user/" + "u".repeat(200) + "/collection", collectionPath + "/versions/99999999999999999999",
                    collectionPath + "/entry/x/versions/-1", collectionPath + "/restore", "/api/collection?limit=-5&cursor=%00")) {
                responses.add(app.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{\"version\": 1e400}"));
            }
        }
        for (Iterator<Response> it = responses.iterator(); it.hasNext(); ) {
            Response r = it.next();
            assertTrue(r.status() < 500, r.toString());
            if (r.status() >= 400) {
                assertErrorShape(r);
            }
        }
    }

    /**
     * One answer: its head, then Content-Length bytes of body, or a chunked body to its last chunk,
     * or everything until the server closes. Not waiting for the close where the length is known
     * keeps a kept-alive connection (Jetty keeps some open after an error) from taking its idle timeout.
     */
    private static byte[] readAnswer(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (out.size() >= 4 && new String(out.toByteArray(), out.size() - 4, 4, StandardCharsets.ISO_8859_1).equals("\r\n\r\n")) {
                break;
            }
        }
        String head = out.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length:\\s*(\\d+)").matcher(head);
        if (length.find()) {
            out.write(in.readNBytes(Integer.parseInt(length.group(1))));
        } else if (head.contains("\r\ntransfer-encoding: chunked")) {
            while (!out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n") && (b = in.read()) >= 0) {
                out.write(b);
            }
        } else {
            out.write(in.readNBytes(64 * 1024));
        }
        return out.toByteArray();
    }

    private static Response raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String text = new String(readAnswer(in), StandardCharsets.UTF_8);
            String[] headAndBody = text.split("\r\n\r\n", 2);
            String[] lines = headAndBody[0].split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                String[] kv = lines[i].split(":\\s*", 2);
                headers.put(kv[0], List.of(kv.length > 1 ? kv[1] : ""));
            }
            String body = headAndBody.length > 1 ? headAndBody[1] : "";
            if ("chunked".equalsIgnoreCase(headers.getOrDefault("Transfer-Encoding", List.of("")).get(0))) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
            }
            Response response = new Response(status, headers, body);
            // checked against /openapi.json as the test client checks every answer it gets
            String[] requestLine = request.substring(0, request.indexOf("\r\n")).split(" ");
            OpenApiContract.check(requestLine[0], requestLine[1].split("\\?", 2)[0], response);
            return response;
        } catch (java.net.SocketException reset) {
            throw new AssertionError("the server dropped the connection without an answer", reset);
        }
    }

    static void assertError(Response r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertErrorShape(r);
        assertEquals(code, r.json().path("error").asText(), r.toString());
    }

    static void assertErrorShape(Response r) {
        assertNotNull(r.header("Content-Type"), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        JsonNode body = r.json();
        assertTrue(body.isObject(), r.toString());
        assertTrue(body.path("error").isTextual() && body.path("error").asText().matches("[a-z_0-9]+"), r.toString());
        assertTrue(body.path("message").isTextual() && !body.path("message").asText().isBlank(), r.toString());
        Set<String> fields = new java.util.HashSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertTrue(Set.of("error", "message", "item").containsAll(fields), "only error, message (and item): " + r);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains("dev.dynamini"),
                "no stack trace or class names: " + r);
    }
}
