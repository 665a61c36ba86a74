package dev.dynamini.store;

/**
 * Everything one change writes: the new version (which also becomes the head), on condition that
 * the head is still {@code previous} (or absent, for a create); the name it claims in the scope's
 * name register, and the one it gives up (released lazily: docs/storage.md); and, for entries, the
 * collection that must be live, which a batch's transaction checks and the store checks before a
 * single commit.
 */
public record Change(Item previous, Item next, String releaseName, String claimName, ItemKey liveParent) {
}
