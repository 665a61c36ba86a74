package dev.dynamini.store;

import java.util.OptionalLong;

/**
 * One change of a batch ({@link VersionedItems#batch}), as a client asks for it: the same four
 * writes, with the same rules, as the single-item routes. Collections and entries alike; the key
 * (or, for a create, the scope) says which.
 */
public sealed interface BatchChange {
    /** The most changes one batch may hold. */
    int MAX_CHANGES = 25;

    /** POST: a new item with a server-made id in {@code scope} (idempotent for an equal live item of its name). */
    record Create(Scope scope, ContentPatch body) implements BatchChange {
    }

    /** PUT: a new version with the patch applied, or the item created with that id if it never existed. */
    record Put(ItemKey key, ContentPatch patch, OptionalLong ifMatch, Existence existence) implements BatchChange {
    }

    /** DELETE: the soft delete, a new version with {@code deletedAt}. */
    record Delete(ItemKey key, OptionalLong ifMatch) implements BatchChange {
    }

    /** Restore: a new live version with version {@code version}'s content (default: the latest content). */
    record Restore(ItemKey key, OptionalLong version, OptionalLong ifMatch) implements BatchChange {
    }
}
