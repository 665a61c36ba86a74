package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * JSON trees whose numbers keep the digits they were written with. Stored values are JSON text with
 * numbers exactly as a client sent them; a patch or a diff works on trees, and a tree read the
 * usual way turns 1.10 into 1.1 (BigDecimal normalising) or 1e2 into 100.0 (double): every number a
 * patch did not touch would change its bytes. Here each number is an {@link ExactNumber}: compared
 * by numeric value (as RFC 6902's "test" wants), written back as its original text.
 */
final class ExactJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** As {@link RequestBody} reads and writes, so that untouched strings come out as stored. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ExactJson() {
    }

    static JsonNodeFactory nodes() {
        return NODES;
    }

    /** Stored JSON text (written by us, so well-formed) as a tree. */
    static JsonNode readStored(String json) {
        try (JsonParser parser = FACTORY.createParser(StrictText.sendable(json))) {
            return read(parser, parser.nextToken());
        } catch (IOException e) {
            throw new IllegalStateException("a stored value is not JSON", e);
        }
    }

    /** The whole of a parser's input (one JSON value, nothing after it) as a tree. */
    static JsonNode readWhole(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw ApiError.badRequest("the body is empty");
        }
        JsonNode node = read(parser, first);
        if (parser.nextToken() != null) {
            throw ApiError.badRequest("unexpected content after the JSON document");
        }
        return node;
    }

    private static JsonNode read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    object.set(field, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(read(parser, t));
                }
                return array;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new ExactNumber(parser.getText());
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new IOException("unexpected " + token);
        }
    }

    /** Compact JSON text, numbers as they were read. */
    static String write(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            write(out, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** By hand rather than through an ObjectMapper: the nodes know how to write themselves. */
    private static void write(JsonGenerator out, JsonNode node) throws IOException {
        if (node.isObject()) {
            out.writeStartObject();
            for (var field : node.properties()) {
                out.writeFieldName(field.getKey());
                write(out, field.getValue());
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(out, element);
            }
            out.writeEndArray();
        } else if (node instanceof ExactNumber number) {
            out.writeNumber(number.text);
        } else if (node.isNumber()) {
            out.writeNumber(node.decimalValue());
        } else if (node.isTextual()) {
            out.writeString(node.textValue());
        } else if (node.isBoolean()) {
            out.writeBoolean(node.booleanValue());
        } else {
            out.writeNull();
        }
    }

    /** A JSON number: its text as written, its value for comparisons. */
    static final class ExactNumber extends NumericNode {
        private final String text;
        private final BigDecimal value;

        ExactNumber(String text) {
            this.text = text;
            this.value = new BigDecimal(text);
        }

        @Override
        public JsonToken asToken() {
            return isIntegralNumber() ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
        }

        @Override
        public JsonParser.NumberType numberType() {
            return isIntegralNumber() ? JsonParser.NumberType.BIG_INTEGER : JsonParser.NumberType.BIG_DECIMAL;
        }

        @Override
        public boolean isIntegralNumber() {
            return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        }

        @Override
        public boolean isFloatingPointNumber() {
            return !isIntegralNumber();
        }

        @Override
        public Number numberValue() {
            return value;
        }

        @Override
        public int intValue() {
            return value.intValue();
        }

        @Override
        public long longValue() {
            return value.longValue();
        }

        @Override
        public double doubleValue() {
            return value.doubleValue();
        }

        @Override
        public BigDecimal decimalValue() {
            return value;
        }

        @Override
        public BigInteger bigIntegerValue() {
            return value.toBigInteger();
        }

        @Override
        public boolean canConvertToInt() {
            return false;
        }

        @Override
        public boolean canConvertToLong() {
            return false;
        }

        @Override
        public String asText() {
            return text;
        }

        @Override
        public void serialize(JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeNumber(text);
        }

        /** Equal numbers are equal whatever their digits (1.0 and 1, 1e2 and 100), as RFC 6902 says. */
        @Override
        public boolean equals(Object other) {
            return other instanceof JsonNode node && node.isNumber() && node.decimalValue().compareTo(value) == 0;
        }

        @Override
        public int hashCode() {
            return value.stripTrailingZeros().hashCode();
        }
    }
}
