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

    /**
     * The version that follows this one, written at {@code now}, or a millisecond after this one if
     * {@code now} is not later (clocks of two instances differ): an item's versions have growing
     * times, which the change feed orders them by and as-of reads rely on.
     */
    public Item next(Content newContent, Instant now, boolean delete) {
        Instant at = nextStamp(now);
        return new Item(key, version + 1, newContent, createdAt, at, delete ? at : null);
    }

    /** The time of the version after this one, written at {@code now}: always later than this one's. */
    public Instant nextStamp(Instant now) {
        return now.isAfter(updatedAt) ? now : updatedAt.plusMillis(1);
    }

    public static Item first(ItemKey key, Content content, Instant now) {
        return new Item(key, 1, content, now, now, null);
    }
}
