package dev.dynamini.store;

/**
 * Everything one change writes, committed as one atomic write: the new version (which also becomes
 * the head), on condition that the head is still {@code previous} (or absent, for a create); the
 * name released and the name claimed in the scope's name register; and, for entries, the condition
 * that the parent collection is live.
 */
public record Change(Item previous, Item next, String releaseName, String claimName, ItemKey liveParent) {
}
