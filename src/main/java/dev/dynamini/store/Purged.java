package dev.dynamini.store;

/**
 * What a purge removed for good: {@code items} heads (collections and entries; one per item) and
 * {@code versions} version items. Name registers are removed too but not counted: they are not
 * content, only the index of live names.
 */
public record Purged(long items, long versions) {
    public static final Purged NOTHING = new Purged(0, 0);

    public Purged plus(Purged other) {
        return new Purged(items + other.items, versions + other.versions);
    }
}
