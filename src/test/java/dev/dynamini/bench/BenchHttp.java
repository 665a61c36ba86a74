package dev.dynamini.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The benchmark's HTTP client: the JDK's, HTTP/1.1 with keep-alive, on loopback. Every request
 * carries the API key and an X-Request-Id naming what it measures.
 */
final class BenchHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final String apiKey;

    BenchHttp(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** {@code headers}: the answer's headers (e.g. a change feed's X-Next-Since). */
    record Answer(int status, String body, String etag, java.net.http.HttpHeaders headers) {
        /** The first value of a header, or null. */
        String header(String name) {
            return headers == null ? null : headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        /** The version in the ETag ("3" -> 3), or -1. */
        long etagVersion() {
            return etag == null ? -1 : Long.parseLong(etag.replace("\"", "").replace("W/", "").trim());
        }

        Answer expect(int... wanted) {
            for (int w : wanted) {
                if (status == w) {
                    return this;
                }
            }
            throw new IllegalStateException("expected HTTP " + java.util.Arrays.toString(wanted) + ", got " + status + ": "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
        }
    }

    Answer send(String method, String path, String body, String requestId, String ifMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("x-api-key", apiKey)
                .header("X-Request-Id", requestId);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers().firstValue("ETag").orElse(null),
                    response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path, String requestId) {
        return send("GET", path, null, requestId, null);
    }

    Answer post(String path, String body, String requestId) {
        return send("POST", path, body, requestId, null);
    }

    /** A query parameter's value, URL-encoded (a change feed's token). */
    static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
