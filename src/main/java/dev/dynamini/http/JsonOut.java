package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dynamini.store.Item;
import dev.dynamini.store.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Response bodies, written straight to bytes with a streaming generator. Stored values are already
 * JSON text and are written raw, never parsed again.
 */
final class JsonOut {
    /** Like JavaScript's toISOString, which dynamodb-mini clients saw: always milliseconds, always Z. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final JsonFactory factory = new JsonFactory();

    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    byte[] render(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = factory.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    byte[] item(Item item) {
        return render(json -> writeItem(json, item));
    }

    byte[] items(List<Item> items) {
        return render(json -> {
            json.writeStartArray();
            for (Item item : items) {
                writeItem(json, item);
            }
            json.writeEndArray();
        });
    }

    byte[] error(ApiError error) {
        return render(json -> {
            json.writeStartObject();
            json.writeStringField("error", error.code());
            json.writeStringField("message", error.getMessage());
            if (error.item() != null) {
                json.writeFieldName("item");
                writeItem(json, error.item());
            }
            json.writeEndObject();
        });
    }

    static void writeItem(JsonGenerator json, Item item) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("meta");
        json.writeStringField("application", item.key().scope().application());
        json.writeStringField("user", item.key().scope().user());
        if (item.key().kind() == Kind.COLLECTION) {
            json.writeStringField("collection", item.key().id());
        } else {
            json.writeStringField("collection", item.key().scope().collection());
            json.writeStringField("entry", item.key().id());
        }
        json.writeNumberField("version", item.version());
        json.writeStringField("createdAt", iso(item.createdAt()));
        json.writeStringField("updatedAt", iso(item.updatedAt()));
        if (item.deletedAt() != null) {
            json.writeStringField("deletedAt", iso(item.deletedAt()));
        }
        json.writeEndObject();
        if (item.content().name() != null) {
            json.writeStringField("name", item.content().name());
        }
        if (item.content().value() != null) {
            json.writeFieldName("value");
            json.writeRawValue(item.content().value());
        }
        json.writeEndObject();
    }

    static String iso(Instant instant) {
        return ISO.format(instant);
    }
}
