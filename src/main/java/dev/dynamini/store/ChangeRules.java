package dev.dynamini.store;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What POST, PUT, DELETE and restore make of the latest version, and what they require of it: one
 * place for the single-item writes of {@link VersionedItems} and for the changes of a batch
 * ({@link Batch}), so that both write the same versions. Every content an entry write makes (not a
 * delete's) passes {@code schemaCheck}, the check of its collection's JSON Schema
 * ({@link EntrySchemas}); for a collection it is {@link EntrySchemas.Check#NONE}.
 */
final class ChangeRules {
    private ChangeRules() {
    }

    /** An If-Match version must be the latest version, else 412 with it. */
    static void requireMatch(OptionalLong ifMatch, Item current) {
        if (ifMatch.isPresent() && ifMatch.getAsLong() != current.version()) {
            throw new VersionMismatchException(ifMatch.getAsLong(), current);
        }
    }

    /** A PUT must change something, and speak of a schema only for a collection. */
    static void requireChange(Kind kind, ContentPatch patch) {
        if (patch.empty()) {
            throw new InvalidInputException("the body must change something: give \"name\" or \"value\" (or, for a collection, \"schema\")");
        }
        ContentRules.fitting(kind, patch);
    }

    /** The content a POST creates an item of {@code kind} with. */
    static Content created(Kind kind, ContentPatch body, EntrySchemas.Check schemaCheck) {
        return schemaCheck.check(ContentRules.validated(kind, ContentRules.fitting(kind, body).asNew()));
    }

    /** The content a PUT gives an id that never existed: a collection without a name is named by its id. */
    static Content createdByPut(ItemKey key, ContentPatch patch, EntrySchemas.Check schemaCheck) {
        Content content = patch.asNew();
        if (key.kind() == Kind.COLLECTION && content.name() == null) {
            content = new Content(key.id(), content.value(), content.schema());
        }
        return schemaCheck.check(ContentRules.validated(key.kind(), content));
    }

    /** A PUT over the latest version: the item must be live; omitted fields keep their value. */
    static Item put(Item current, ContentPatch patch, EntrySchemas.Check schemaCheck, Instant now) {
        VersionedItems.requireLive(current);
        return current.next(schemaCheck.check(ContentRules.validated(current.key().kind(), patch.applyTo(current.content()))), now, false);
    }

    /** A soft delete: the item must be live; the new version keeps the content and carries deletedAt (never schema-checked). */
    static Item delete(Item current, Instant now) {
        VersionedItems.requireLive(current);
        return current.next(current.content(), now, true);
    }

    /** A restore: a live version with {@code source}'s content, by default the latest version's. */
    static Item restore(Item current, Optional<Content> source, EntrySchemas.Check schemaCheck, Instant now) {
        return current.next(schemaCheck.check(source.orElse(current.content())), now, false);
    }
}
