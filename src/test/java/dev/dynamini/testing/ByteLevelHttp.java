package dev.dynamini.testing;

import dev.dynamini.testing.Http.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 written byte by byte on a socket, for what a well-behaved client cannot send: bytes that
 * are not UTF-8 in the request line or in a header. One request per connection.
 */
public final class ByteLevelHttp {
    private ByteLevelHttp() {
    }

    /**
     * {@code GET <target> HTTP/1.1} with these header lines; each part is a String (sent as
     * ISO-8859-1, one byte per char) or a byte[] (sent as is).
     */
    public static Response get(int port, Object target, Object... headers) {
        return send(port, "GET", target, null, headers);
    }

    /** Any request; with a body, its Content-Length is added. "Connection: close" is always added. */
    public static Response send(int port, String method, Object target, byte[] body, Object... headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(join(method, " ", target, " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"));
        for (Object header : headers) {
            out.writeBytes(join(header, "\r\n"));
        }
        if (body != null) {
            out.writeBytes(join("Content-Length: " + body.length + "\r\n"));
        }
        out.writeBytes(join("\r\n"));
        if (body != null) {
            out.writeBytes(body);
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(out.toByteArray());
            socket.getOutputStream().flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A header line or target made of parts: Strings (ISO-8859-1) and byte arrays. */
    public static byte[] join(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(bytes(part));
        }
        return out.toByteArray();
    }

    private static byte[] bytes(Object part) {
        return part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Response parse(byte[] raw) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            throw new AssertionError("no complete answer: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] kv = lines[i].split(":\\s*", 2);
            headers.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv.length > 1 ? kv[1] : "");
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        Response head = new Response(status, headers, "");
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, Http.utf8(body));
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int eol = indexOf(Arrays.copyOfRange(body, at, body.length), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            int size = Integer.parseInt(new String(body, at, eol, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            at += eol + 2;
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(body, at, size);
            at += size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
