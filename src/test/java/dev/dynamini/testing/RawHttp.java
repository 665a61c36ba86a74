package dev.dynamini.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests that {@link java.net.http.HttpClient} refuses to send
 * (raw bytes in the request target or in header values, bodies with invalid UTF-8, any method with
 * any body). One request per connection ({@code Connection: close}); the answer is read until the
 * server closes, within a timeout.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A request: everything is bytes, nothing is checked or encoded. */
    public record Request(String method, byte[] target, List<Header> headers, byte[] body, boolean chunked) {
        public Request {
            headers = List.copyOf(headers);
            body = body == null ? new byte[0] : body;
        }

        /** The bytes on the wire: request line, the headers, Host, Connection: close, Content-Length or chunks, body. */
        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
            out.writeBytes(method.getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
            out.writeBytes(target);
            out.writeBytes(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
            for (Header h : headers) {
                out.writeBytes(h.name().getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(": ".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(h.value());
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            if (chunked) {
                out.writeBytes("Transfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                int chunk = 1024;
                for (int i = 0; i < body.length; i += chunk) {
                    int n = Math.min(chunk, body.length - i);
                    out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, i, n);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                if (body.length > 0 || method.equals("POST") || method.equals("PUT")) {
                    out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(body);
            }
            return out.toByteArray();
        }

        /** The request for a failure message: its head as text (bytes outside printable ASCII as \xNN) and the body as hex. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            s.append(method).append(' ').append(printable(target, 300)).append(chunked ? "  (chunked)" : "").append('\n');
            for (Header h : headers) {
                s.append("  ").append(h.name()).append(": ").append(printable(h.value(), 200)).append('\n');
            }
            if (body.length > 0) {
                s.append("  body (").append(body.length).append(" bytes): ").append(printable(body, 240)).append('\n');
                s.append("  body hex: ").append(hex(body, 160)).append('\n');
            }
            return s.toString();
        }
    }

    public record Header(String name, byte[] value) {
        public static Header of(String name, String value) {
            return new Header(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An answer. {@code body} is de-chunked; for HEAD it is whatever came after the head (there should be nothing). */
    public record Response(int status, String statusLine, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String describe() {
            StringBuilder s = new StringBuilder(statusLine).append('\n');
            String type = header("Content-Type");
            if (type != null) {
                s.append("  Content-Type: ").append(type).append('\n');
            }
            s.append("  body (").append(body.length).append(" bytes): ").append(printable(body, 400));
            return s.toString();
        }
    }

    /** Thrown when the server answers nothing usable: reset, timeout, or not HTTP. */
    public static final class NoAnswer extends IOException {
        public NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Sends the request on a new connection and reads the answer, waiting at most {@code timeoutMillis} for each read. */
    public static Response send(int port, Request request, int timeoutMillis) throws NoAnswer {
        byte[] raw;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.bytes());
                out.flush();
            } catch (IOException writeFailed) {
                // the server may answer (e.g. 413) and close before it read everything: read what it said
            }
            raw = readAll(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            throw new NoAnswer("no complete answer within " + timeoutMillis + " ms", e);
        } catch (IOException e) {
            throw new NoAnswer("connection failed: " + e, e);
        }
        return parse(raw, request.method().equals("HEAD"));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                got.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            if (got.size() == 0) {
                throw reset;
            }
            // reset after the answer: keep what arrived
        }
        return got.toByteArray();
    }

    static Response parse(byte[] raw, boolean head) throws NoAnswer {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (end < 0) {
            throw new NoAnswer("answer without a complete head: " + printable(raw, 300), null);
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new NoAnswer("not an HTTP status line: " + statusLine, e);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        boolean chunked = headers.entrySet().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding")
                && h.getValue().get(0).equalsIgnoreCase("chunked"));
        return new Response(status, statusLine, Collections.unmodifiableMap(headers), chunked && !head ? dechunk(rest) : rest);
    }

    private static byte[] dechunk(byte[] chunked) throws NoAnswer {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int eol = indexOf(chunked, "\r\n".getBytes(StandardCharsets.US_ASCII), at);
            if (eol < 0) {
                throw new NoAnswer("truncated chunked body", null);
            }
            String size = new String(chunked, at, eol - at, StandardCharsets.US_ASCII).split(";", 2)[0].trim();
            int n;
            try {
                n = Integer.parseInt(size, 16);
            } catch (NumberFormatException e) {
                throw new NoAnswer("bad chunk size " + size, e);
            }
            if (n == 0) {
                return out.toByteArray();
            }
            if (eol + 2 + n > chunked.length) {
                throw new NoAnswer("truncated chunk", null);
            }
            out.write(chunked, eol + 2, n);
            at = eol + 2 + n + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Printable ASCII as is, anything else as \xNN; cut after {@code max} bytes. */
    public static String printable(byte[] bytes, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02X", b));
            }
        }
        if (bytes.length > max) {
            s.append("... (").append(bytes.length - max).append(" more bytes)");
        }
        return s.toString();
    }

    public static String hex(byte[] bytes, int max) {
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, max));
        return bytes.length > max ? hex + " ... (" + (bytes.length - max) + " more bytes)" : hex;
    }
}
