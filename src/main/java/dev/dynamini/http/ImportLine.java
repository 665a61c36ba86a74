package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.dynamini.store.Content;
import dev.dynamini.store.Ids;
import dev.dynamini.store.Item;
import dev.dynamini.store.Scope;
import java.io.IOException;
import java.nio.CharBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One line of an import: an item as the API shows it (as {@code GET /api/export} writes it). Its
 * {@code meta.application} is not read: the version goes into the importing application. The value
 * is kept as RequestBody keeps a value sent by a client, so a value the export wrote comes back as
 * the same text. Anything else is refused, naming what is wrong.
 */
final class ImportLine {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ImportLine() {
    }

    /** @throws ApiError 400 with a message that the caller prefixes with the line number */
    static Item parse(byte[] line, int length, String application) {
        byte[] bytes = length == line.length ? line : java.util.Arrays.copyOf(line, length);
        CharBuffer text = StrictText.decode(bytes, "the line");
        try (JsonParser parser = StrictText.strict(FACTORY.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.badRequest("a line must be a JSON object");
            }
            Meta meta = null;
            String name = null;
            String value = null;
            String schema = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "meta" -> meta = meta(parser, token);
                    case "name" -> {
                        if (token != JsonToken.VALUE_STRING) {
                            throw ApiError.badRequest("\"name\" must be a string");
                        }
                        name = RequestBody.checkedName(parser.getText(), "\"name\"");
                    }
                    case "value" -> {
                        if (token == JsonToken.VALUE_NULL) {
                            throw ApiError.badRequest("\"value\" is absent when there is none, never null");
                        }
                        value = RequestBody.value(parser, token);
                    }
                    case "schema" -> {
                        if (token == JsonToken.VALUE_NULL) {
                            throw ApiError.badRequest("\"schema\" is absent when there is none, never null");
                        }
                        schema = RequestBody.value(parser, token);
                    }
                    default -> throw ApiError.badRequest("unknown field \"" + field + "\": a line has meta, name, value and schema");
                }
            }
            if (parser.nextToken() != null) {
                throw ApiError.badRequest("unexpected content after the JSON object");
            }
            if (meta == null) {
                throw ApiError.badRequest("\"meta\" is missing");
            }
            Scope scope = meta.entry == null ? Scope.collectionsOf(application, meta.user)
                    : Scope.entriesOf(application, meta.user, meta.collection);
            return new Item(scope.item(meta.entry == null ? meta.collection : meta.entry), meta.version, new Content(name, value, schema),
                    meta.createdAt, meta.updatedAt, meta.deletedAt);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable line");
        }
    }

    private static final class Meta {
        String user;
        String collection;
        String entry;
        long version;
        Instant createdAt;
        Instant updatedAt;
        Instant deletedAt;
    }

    private static Meta meta(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            throw ApiError.badRequest("\"meta\" must be an object");
        }
        Meta meta = new Meta();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "application" -> text(parser, value, field); // replaced by the importing application
                case "user" -> meta.user = id(parser, value, field);
                case "collection" -> meta.collection = id(parser, value, field);
                case "entry" -> meta.entry = id(parser, value, field);
                case "version" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            || parser.getLongValue() < 1) {
                        throw ApiError.badRequest("meta.version must be a whole number of at least 1");
                    }
                    meta.version = parser.getLongValue();
                }
                case "createdAt" -> meta.createdAt = time(parser, value, field);
                case "updatedAt" -> meta.updatedAt = time(parser, value, field);
                case "deletedAt" -> meta.deletedAt = time(parser, value, field);
                default -> throw ApiError.badRequest("unknown field meta." + field);
            }
        }
        for (String[] required : new String[][] {{"user", meta.user}, {"collection", meta.collection}}) {
            if (required[1] == null) {
                throw ApiError.badRequest("meta." + required[0] + " is missing");
            }
        }
        if (meta.version == 0 || meta.createdAt == null || meta.updatedAt == null) {
            throw ApiError.badRequest("meta needs version, createdAt and updatedAt");
        }
        return meta;
    }

    private static String text(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw ApiError.badRequest("meta." + field + " must be a string");
        }
        return parser.getText();
    }

    private static String id(JsonParser parser, JsonToken token, String field) throws IOException {
        String id = text(parser, token, field);
        if (!Ids.valid(id)) {
            throw ApiError.badRequest("meta." + field + " must be 1-128 characters of A-Z a-z 0-9 . _ ~ @ : + = -");
        }
        return id;
    }

    private static Instant time(JsonParser parser, JsonToken token, String field) throws IOException {
        try {
            return Instant.parse(text(parser, token, field));
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("meta." + field + " must be an ISO-8601 UTC time such as 2026-11-22T10:50:37.225Z");
        }
    }
}
