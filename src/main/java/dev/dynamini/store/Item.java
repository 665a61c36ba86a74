package dev.dynamini.store;

import java.time.Instant;

/**
 * One version of a versioned item. {@code createdAt} is when the item's first version was written,
 * {@code updatedAt} when this version was; {@code deletedAt} is set on the version that deleted it.
 */
public record Item(ItemKey key, long version, Content content, Instant createdAt, Instant updatedAt, Instant deletedAt) {
    public boolean deleted() {
        return deletedAt != null;
    }

    public boolean live() {
        return deletedAt == null;
    }

    /** The version that follows this one, written at {@code now}. */
    public Item next(Content newContent, Instant now, boolean delete) {
        return new Item(key, version + 1, newContent, createdAt, now, delete ? now : null);
    }

    public static Item first(ItemKey key, Content content, Instant now) {
        return new Item(key, 1, content, now, now, null);
    }
}
