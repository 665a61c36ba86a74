package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * The one rule for text a client sends: well-formed UTF-8 (no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF) holding no unpaired surrogate, whether sent as bytes or as a
 * JSON {@code \}{@code u} escape. It is applied where text comes in, before anything is written:
 * {@link RequestBody} for bodies, {@link #checkQueryAndHeaders} for the query string and the
 * headers the server reads. Java strings can hold what UTF-8 cannot, and DynamoDB and response
 * writers treat such strings differently, so letting one in would store something else than was
 * sent, or something that cannot be sent back.
 */
final class StrictText {
    /** The request headers dynamini reads (Jetty hands their bytes on one char per byte). */
    private static final List<String> HEADERS_READ = List.of("x-api-key", "If-Match", "Content-Type", "X-Request-Id");

    private StrictText() {
    }

    /** The text of UTF-8 bytes, decoded strictly; anything else is a 400 naming {@code what}. */
    static CharBuffer decode(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest(what + " is not valid UTF-8");
        }
    }

    /** Refuses text holding a surrogate that is not half of a pair (only JSON escapes can make one). */
    static String requireWhole(String text, String what) {
        if (firstLoneSurrogate(text) >= 0) {
            throw ApiError.badRequest(what + " holds an unpaired surrogate (a \\u escape of D800-DFFF without its other half)");
        }
        return text;
    }

    /** Where the first unpaired surrogate is, or -1. */
    static int firstLoneSurrogate(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Stored text as it can be sent: each unpaired surrogate replaced by U+FFFD. Such text can only
     * come from data written by other means, and a response must never fail on it.
     */
    static String sendable(String text) {
        int at = firstLoneSurrogate(text);
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, at);
        for (int i = at, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** A parser that refuses every string and field name holding an unpaired surrogate, skipped ones included. */
    static JsonParser strict(JsonParser parser) {
        return new JsonParserDelegate(parser) {
            @Override
            public JsonToken nextToken() throws IOException {
                JsonToken token = super.nextToken();
                if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    requireWhole(getText(), "the body");
                }
                return token;
            }

            @Override
            public JsonParser skipChildren() throws IOException {
                // token by token through nextToken above, so that what is skipped is checked too
                if (currentToken() != JsonToken.START_OBJECT && currentToken() != JsonToken.START_ARRAY) {
                    return this;
                }
                int open = 1;
                while (open > 0) {
                    JsonToken token = nextToken();
                    if (token == null) {
                        return this;
                    }
                    if (token.isStructStart()) {
                        open++;
                    } else if (token.isStructEnd()) {
                        open--;
                    }
                }
                return this;
            }
        };
    }

    /**
     * Checks the raw query string (Javalin's decoded parameters turn bad bytes into U+FFFD without
     * a word) and the headers the server reads, before any handler uses them.
     */
    static void checkQueryAndHeaders(Context ctx) {
        String query = ctx.queryString();
        if (query != null) {
            decode(percentDecoded(query), "the query string");
        }
        for (String name : HEADERS_READ) {
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                if (!isAscii(value)) {
                    decode(value.getBytes(StandardCharsets.ISO_8859_1), "the " + name + " header");
                }
            }
        }
    }

    /**
     * The bytes a query string stands for. Jetty decodes bytes sent unescaped as UTF-8 and replaces
     * those it cannot decode with U+FFFD, so a raw U+FFFD is taken for such a byte: a client that
     * means U+FFFD sends it percent-encoded, as every non-ASCII character should be.
     */
    private static byte[] percentDecoded(String query) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(query.length());
        for (int i = 0, n = query.length(); i < n; ) {
            char c = query.charAt(i);
            if (c == '%') {
                int high = i + 2 < n ? Character.digit(query.charAt(i + 1), 16) : -1;
                int low = i + 2 < n ? Character.digit(query.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw ApiError.badRequest("the query string has a '%' that is not followed by two hex digits");
                }
                bytes.write(high << 4 | low);
                i += 3;
            } else if (c < 0x80) {
                bytes.write(c);
                i++;
            } else {
                int codePoint = query.codePointAt(i);
                if (codePoint == 0xFFFD || Character.getType(codePoint) == Character.SURROGATE) {
                    throw ApiError.badRequest("the query string is not valid UTF-8");
                }
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toByteArray();
    }

    private static boolean isAscii(String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
