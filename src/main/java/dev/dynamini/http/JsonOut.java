package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dynamini.schema.Problem;
import dev.dynamini.store.Item;
import dev.dynamini.store.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Response bodies, written straight to bytes with a streaming generator. Stored values are already
 * JSON text and are written raw, never parsed again. Every stored string goes out through
 * {@link StrictText#sendable}, so no stored item can make an answer fail.
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

    /** A generator writing to a response as it goes (a long list); the caller closes it. */
    JsonGenerator generator(OutputStream out) throws IOException {
        return factory.createGenerator(out);
    }

    byte[] error(ApiError error) {
        return render(json -> {
            json.writeStartObject();
            json.writeStringField("error", error.code());
            json.writeStringField("message", StrictText.sendable(error.getMessage()));
            if (error.change() != null) {
                json.writeNumberField("change", error.change());
            }
            if (error.item() != null) {
                json.writeFieldName("item");
                writeItem(json, error.item());
            }
            if (!error.details().isEmpty()) {
                json.writeArrayFieldStart("details");
                for (Problem problem : error.details()) {
                    json.writeStartObject();
                    json.writeStringField("path", StrictText.sendable(problem.path()));
                    json.writeStringField("keyword", StrictText.sendable(problem.keyword()));
                    json.writeStringField("message", StrictText.sendable(problem.message()));
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        });
    }

    static void writeItem(JsonGenerator json, Item item) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("meta");
        json.writeStringField("application", StrictText.sendable(item.key().scope().application()));
        json.writeStringField("user", StrictText.sendable(item.key().scope().user()));
        if (item.key().kind() == Kind.COLLECTION) {
            json.writeStringField("collection", StrictText.sendable(item.key().id()));
        } else {
            json.writeStringField("collection", StrictText.sendable(item.key().scope().collection()));
            json.writeStringField("entry", StrictText.sendable(item.key().id()));
        }
        json.writeNumberField("version", item.version());
        json.writeStringField("createdAt", iso(item.createdAt()));
        json.writeStringField("updatedAt", iso(item.updatedAt()));
        if (item.deletedAt() != null) {
            json.writeStringField("deletedAt", iso(item.deletedAt()));
        }
        json.writeEndObject();
        if (item.content().name() != null) {
            json.writeStringField("name", StrictText.sendable(item.content().name()));
        }
        if (item.content().value() != null) {
            json.writeFieldName("value");
            json.writeRawValue(StrictText.sendable(item.content().value()));
        }
        if (item.content().schema() != null) {
            json.writeFieldName("schema");
            json.writeRawValue(StrictText.sendable(item.content().schema()));
        }
        json.writeEndObject();
    }

    /**
     * yyyy-MM-ddTHH:mm:ss.SSSZ, written by hand: the pattern formatter was about half of the time
     * spent rendering a list of items.
     */
    static String iso(Instant instant) {
        long epochMilli = instant.toEpochMilli();
        long days = Math.floorDiv(epochMilli, 86_400_000L);
        int millisOfDay = (int) Math.floorMod(epochMilli, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 1 || year > 9999) { // outside four digits (never, for times this server makes)
            return ISO.format(instant);
        }
        char[] out = new char[24];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, millisOfDay / 3_600_000, 2);
        out[13] = ':';
        digits(out, 14, millisOfDay / 60_000 % 60, 2);
        out[16] = ':';
        digits(out, 17, millisOfDay / 1000 % 60, 2);
        out[19] = '.';
        digits(out, 20, millisOfDay % 1000, 3);
        out[23] = 'Z';
        return new String(out);
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
