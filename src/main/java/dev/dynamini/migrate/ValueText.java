package dev.dynamini.migrate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.StringWriter;

/**
 * dynamodb-mini's values (JSON.stringify output) as dynamini stores values: compact JSON text with
 * numbers exactly as written, key order and unicode kept. Any JSON value is accepted, scalars too.
 */
final class ValueText {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ValueText() {
    }

    /** The compact text, or null for a JSON {@code null} (dynamini's "no value"). */
    static String compact(String text) throws NotImportable {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new NotImportable("a value is empty");
            }
            String compact = null;
            if (first != JsonToken.VALUE_NULL) {
                StringWriter out = new StringWriter(text.length());
                try (JsonGenerator generator = FACTORY.createGenerator(out)) {
                    copy(parser, generator);
                }
                compact = out.toString();
            }
            if (parser.nextToken() != null) {
                throw new NotImportable("a value is not valid JSON (content after the value)");
            }
            return compact;
        } catch (StreamConstraintsException e) {
            throw new NotImportable("a value is beyond the JSON parser's limits (nesting, string or number length)");
        } catch (JsonProcessingException e) {
            throw new NotImportable("a value is not valid JSON");
        } catch (IOException e) {
            throw new NotImportable("a value is not readable");
        }
    }

    /** Copies one value, starting at the parser's current token, digits of numbers as written. */
    private static void copy(JsonParser parser, JsonGenerator out) throws IOException {
        int depth = 0;
        do {
            JsonToken token = parser.currentToken();
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                default -> { }
            }
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                out.writeNumber(parser.getText()); // no rounding through double
            } else {
                out.copyCurrentEvent(parser);
            }
        } while (depth > 0 && parser.nextToken() != null);
    }
}
