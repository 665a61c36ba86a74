package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.dynamini.store.Content;
import dev.dynamini.store.ContentPatch;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A request body: {@code {"name"?: string, "value"?: any JSON, "schema"?: any JSON, "version"?:
 * integer}} ({@code schema}: a collection's JSON Schema for its entries' values). Other fields are
 * ignored, so a client may send back an item it read (with its "meta"). The value is
 * kept as compact JSON text with numbers exactly as sent (no rounding through double), unicode
 * and key order intact; duplicate keys are refused. All of the body's text, ignored fields
 * included, must be valid Unicode ({@link StrictText}).
 */
record RequestBody(ContentPatch patch, OptionalLong version) {
    static final int MAX_NAME_BYTES = Content.MAX_NAME_BYTES;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static RequestBody parse(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("the request needs a JSON object body");
        }
        // decoded once, strictly, and parsed from the chars: Jackson's own UTF-8 decoding lets
        // overlong forms, encoded surrogates and code points past U+10FFFF through
        CharBuffer text = StrictText.decode(body, "the body");
        try (JsonParser parser = StrictText.strict(FACTORY.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            RequestBody read = read(parser);
            if (parser.nextToken() != null) {
                throw ApiError.badRequest("unexpected content after the JSON object");
            }
            return read;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body");
        }
    }

    /** The object the parser stands at the start of, read to its end (a body, or a batch change's "body"). */
    static RequestBody read(JsonParser parser) throws IOException {
        Optional<String> name = Optional.empty();
        Optional<String> value = Optional.empty();
        boolean removeValue = false;
        Optional<String> schema = Optional.empty();
        boolean removeSchema = false;
        OptionalLong version = OptionalLong.empty();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (field) {
                case "name" -> name = Optional.of(name(parser, token));
                case "value" -> {
                    // null takes the value away (on PUT), as dynamodb-mini had it
                    removeValue = token == JsonToken.VALUE_NULL;
                    value = removeValue ? Optional.empty() : Optional.of(value(parser, token));
                }
                case "schema" -> {
                    // null takes the schema away (on PUT), as for the value; the store checks the rest
                    removeSchema = token == JsonToken.VALUE_NULL;
                    schema = removeSchema ? Optional.empty() : Optional.of(value(parser, token));
                }
                case "version" -> version = OptionalLong.of(version(parser, token));
                default -> parser.skipChildren();
            }
        }
        return new RequestBody(new ContentPatch(name, value, removeValue, schema, removeSchema), version);
    }

    private static String name(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw ApiError.badRequest("\"name\" must be a string");
        }
        return checkedName(parser.getText(), "\"name\"");
    }

    /** The rule for a name wherever it comes from (a body, {@code ?name=}): {@code what} says where. */
    static String checkedName(String name, String what) {
        if (name.isEmpty()) {
            throw ApiError.badRequest(what + " must not be empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw ApiError.badRequest(what + " must be at most " + MAX_NAME_BYTES + " bytes of UTF-8");
        }
        return name;
    }

    /** Any JSON value, as dynamodb-mini stored numbers, strings and booleans too. */
    static String value(JsonParser parser, JsonToken token) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            int depth = 0;
            do {
                JsonToken current = parser.currentToken();
                switch (current) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    default -> { }
                }
                if (current == JsonToken.VALUE_NUMBER_INT || current == JsonToken.VALUE_NUMBER_FLOAT) {
                    out.writeNumber(parser.getText()); // the digits as sent
                } else {
                    out.copyCurrentEvent(parser);
                }
            } while (depth > 0 && parser.nextToken() != null);
        }
        return text.toString();
    }

    static long version(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER || parser.getLongValue() < 1) {
            throw ApiError.badRequest("\"version\" must be a whole number of at least 1");
        }
        return parser.getLongValue();
    }
}
