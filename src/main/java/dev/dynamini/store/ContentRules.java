package dev.dynamini.store;

import java.nio.charset.StandardCharsets;

/** What every stored version's content obeys, whoever writes it (the API or an import). */
final class ContentRules {
    private ContentRules() {
    }

    static Content validated(Kind kind, Content content) {
        if (kind == Kind.COLLECTION) {
            if (content.name() == null) {
                throw new InvalidInputException("a collection needs a \"name\"");
            }
        } else if (content.name() == null && content.value() == null) {
            throw new InvalidInputException("an entry needs a \"name\" or a \"value\"");
        }
        if (content.name() != null) {
            if (content.name().isEmpty()) {
                throw new InvalidInputException("\"name\" must not be empty");
            }
            // the name is part of its register's sort key, which DynamoDB limits to 1024 bytes
            if (content.name().getBytes(StandardCharsets.UTF_8).length > Content.MAX_NAME_BYTES) {
                throw new InvalidInputException("\"name\" must be at most " + Content.MAX_NAME_BYTES + " bytes of UTF-8");
            }
        }
        if (content.schema() != null) {
            if (kind == Kind.ENTRY) {
                throw noEntrySchema();
            }
            EntrySchemas.requireValid(content.schema());
        }
        return content;
    }

    /** A body that speaks of a schema is for a collection: on an entry it is refused, {@code "schema": null} too. */
    static ContentPatch fitting(Kind kind, ContentPatch patch) {
        if (kind == Kind.ENTRY && patch.mentionsSchema()) {
            throw noEntrySchema();
        }
        return patch;
    }

    private static InvalidInputException noEntrySchema() {
        return new InvalidInputException("an entry has no \"schema\": a schema belongs to the collection, and applies to its entries' values");
    }
}
