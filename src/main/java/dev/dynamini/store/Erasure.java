package dev.dynamini.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Erasure for good (?purge=true), unlike a delete, which is a version: of an item, of a collection
 * with all its entries, of every collection of a user. Whatever is cut short is left so that the
 * next purge finds it and finishes (docs/storage.md).
 */
public final class Erasure {
    private final VersionedItems items;
    private final ItemRepository repository;
    private final LiveCollections collections;
    private final Clock clock;
    private final Duration writeSettle;

    /**
     * {@code items}: a collection's soft delete goes through the ordinary write path, so that the
     * version it writes is an ordinary delete. {@code writeSettle}: how long an entry write may take
     * from checking that its collection is live to its last DynamoDB write; a purge waits that long
     * (plus the time {@code collections} may remember a collection as live) after deleting a
     * collection before it sweeps the entries.
     */
    public Erasure(VersionedItems items, ItemRepository repository, LiveCollections collections, Clock clock, Duration writeSettle) {
        this.items = items;
        this.repository = repository;
        this.collections = collections;
        this.clock = clock;
        this.writeSettle = writeSettle;
    }

    /**
     * Removes an item for good: its versions first, then its head and name register in one
     * conditional write, so that the item reads complete until it vanishes at once, and a purge cut
     * short leaves the head for the next purge to find (docs/storage.md). A write racing the purge
     * moves the head on, which fails the last step: the versions it added go too and the head is
     * tried again. A write after the head is gone creates a fresh item (PUT creates). Purging what
     * is gone removes nothing and is no error.
     */
    public Purged purge(ItemKey key) {
        long versions = 0;
        for (int attempt = 1; ; attempt++) {
            Optional<Item> head = repository.head(key);
            versions += repository.purgeVersions(key);
            if (head.isEmpty()) {
                return new Purged(0, versions);
            }
            if (repository.purgeHead(head.get())) {
                return new Purged(1, versions);
            }
            VersionedItems.pauseAfter(attempt, key);
        }
    }

    /**
     * Removes a collection and all its entries for good. A live collection is soft-deleted first:
     * that one version stops every entry write (they check the collection is live), and once the
     * writes that checked before it have had time to finish ({@link #settleAfterDelete}), the sweep
     * of the entries cannot miss one written behind it; readers see an ordinary deleted collection
     * meanwhile. The head goes last, on condition that nobody restored it since; so a purge cut
     * short always leaves the head, which a user purge lists and a repeated purge finishes.
     */
    public Purged purgeCollection(ItemKey collection) {
        Scope entries = Scope.entriesOf(collection.scope().application(), collection.scope().user(), collection.id());
        Purged purged = Purged.NOTHING;
        for (int attempt = 1; ; attempt++) {
            Optional<Item> head = softDeleted(collection);
            if (head == null) {
                VersionedItems.pauseAfter(attempt, collection);
                continue;
            }
            head.ifPresent(this::settleAfterDelete);
            purged = purged.plus(repository.purgeScope(entries)).plus(new Purged(0, repository.purgeVersions(collection)));
            collections.forget(collection);
            if (head.isEmpty()) {
                return purged;
            }
            if (repository.purgeHead(head.get())) {
                return purged.plus(new Purged(1, 0));
            }
            VersionedItems.pauseAfter(attempt, collection);
        }
    }

    /** The collection's head, deleted now if it was live; null if a concurrent write got in the way. */
    private Optional<Item> softDeleted(ItemKey collection) {
        Optional<Item> head = repository.head(collection);
        if (head.isPresent() && head.get().live()) {
            try {
                return Optional.of(items.delete(collection, OptionalLong.of(head.get().version())));
            } catch (VersionMismatchException | NotFoundException changed) {
                return null;
            }
        }
        return head;
    }

    /**
     * Waits until every entry write that saw the collection live before {@code deleted} has
     * finished: such a write may still rely on what this or another instance remembered for the
     * {@link LiveCollections#ttl()}, then take up to {@code writeSettle} to write.
     */
    private void settleAfterDelete(Item deleted) {
        Instant settled = deleted.updatedAt().plus(collections.ttl()).plus(writeSettle);
        long wait = Duration.between(clock.instant(), settled).toMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContentionException(deleted.key(), 1);
            }
        }
    }

    /**
     * Removes every collection of a user and all their entries. Collections are found by their
     * heads, which each collection purge removes last; passes repeat until one finds none, so a
     * collection created while the first pass ran goes as well. Each page of collections is
     * soft-deleted before any of it is swept, so that their settling times overlap.
     */
    public Purged purgeUser(String application, String user) {
        Scope collections = Scope.collectionsOf(application, user);
        Purged purged = Purged.NOTHING;
        boolean found = true;
        while (found) {
            found = false;
            Iterator<List<Item>> pages = repository.heads(collections, null, ItemRepository.EVERYTHING, false);
            while (pages.hasNext()) {
                List<Item> page = pages.next();
                found |= !page.isEmpty();
                page.forEach(collection -> softDeleted(collection.key()));
                for (Item collection : page) {
                    purged = purged.plus(purgeCollection(collection.key()));
                }
            }
        }
        return purged;
    }
}
