package dev.dynamini.store;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads as things were at an instant (?asOf=): an item's version of then, found from its head
 * back through the versions written since, and listings made of such versions. Versions removed
 * by retention make a state of then unknown, which is said (410) rather than guessed.
 */
final class AsOfReads {
    private final ItemRepository repository;
    private final CursorPaging paging;

    AsOfReads(ItemRepository repository, CursorPaging paging) {
        this.repository = repository;
        this.paging = paging;
    }

    /**
     * {@link VersionedItems#read(ItemKey, Filter)} as things were at {@code then}: the versions
     * written then or before. An item created after it is not found; one deleted before it is
     * deleted.
     */
    Listing read(ItemKey key, Filter filter, Instant then) {
        Item head = repository.head(key).orElseThrow(() -> VersionedItems.notFound(key));
        Item at = versionAt(head, then).orElseThrow(() -> VersionedItems.notFound(key));
        if (filter == Filter.ALL) {
            FirstItem oldest = new FirstItem(repository.versionsOf(head, null, ItemRepository.EVERYTHING, Order.ASC));
            Iterator<List<Item>> versions = Pages.map(oldest,
                    version -> version.updatedAt().isAfter(then) ? Optional.empty() : Optional.of(version));
            return Listing.streamed(versions.hasNext() ? versions.next() : List.of(), versions, OptionalLong.of(at.version()))
                    .withHistoryTrimmed(oldest.trimmed());
        }
        boolean visible = filter == Filter.CURRENT || (at.live() && (key.kind() != Kind.ENTRY || parentLiveAt(key.scope(), then)));
        if (!visible) {
            throw VersionedItems.notFound(key);
        }
        return Listing.of(List.of(at), Optional.empty(), OptionalLong.of(at.version()));
    }

    /**
     * {@link VersionedItems#list(Scope, Filter, PageRequest)} as the scope was at {@code then}:
     * every item's version at that instant (one read per item, plus the versions written since for
     * the items changed since), items created later left out. Its cursors belong to that instant.
     */
    Listing list(Scope scope, Filter filter, PageRequest page, Instant then) {
        String listing = scope.describe() + "|" + filter + "|asOf=" + then.toEpochMilli();
        Position after = paging.after(listing, page);
        if (filter == Filter.LATEST && scope.kind() == Kind.ENTRY && !parentLiveAt(scope, then)) {
            return Listing.empty();
        }
        // items drop out, so the repository's pages are read until the page is full, not counted
        Iterator<List<Item>> pages = switch (filter) {
            case LATEST, CURRENT -> Pages.map(repository.heads(scope, after, ItemRepository.EVERYTHING, false),
                    head -> versionAtIfKept(head, then).filter(at -> filter == Filter.CURRENT || at.live()));
            case ALL -> Pages.map(repository.versionsInScope(scope, after, ItemRepository.EVERYTHING),
                    version -> version.updatedAt().isAfter(then) ? Optional.empty() : Optional.of(version));
        };
        return paging.listingOf(listing, pages, page);
    }

    /**
     * The version of the item that was the latest at {@code then}: the head if it is no newer;
     * else, for an application whose versions are indexed by time, the version the index names
     * (two requests at any depth); else the newest older version, read back from the newest down
     * (so the cost grows with the versions written since, not with the whole history); empty if the
     * item did not exist yet.
     * Versions are numbered without gaps, so a gap in the numbers read is versions retention
     * removed: when the version of then may be among them, {@link TrimmedException}.
     */
    private Optional<Item> versionAt(Item head, Instant then) {
        if (!head.updatedAt().isAfter(then)) {
            return Optional.of(head);
        }
        if (head.createdAt().isAfter(then)) {
            return Optional.empty();
        }
        OptionalLong indexed = repository.versionNumberAt(head.key(), then);
        if (indexed.isPresent() && indexed.getAsLong() < head.version()) {
            // the next version must be newer than then: true unless the index has a gap (an
            // application that turned its time index off for a while), and then the versions tell
            long n = indexed.getAsLong();
            Map<Long, Item> found = repository.versionsBetween(head, n, n + 1);
            Item at = found.get(n);
            Item after = found.get(n + 1);
            if (at != null && after != null && after.updatedAt().isAfter(then)) {
                return Optional.of(at);
            }
        }
        long expected = head.version();
        Iterator<List<Item>> newestFirst = repository.versionsOf(head, null, ItemRepository.EVERYTHING, Order.DESC);
        while (newestFirst.hasNext()) {
            for (Item version : newestFirst.next()) {
                if (!version.updatedAt().isAfter(then)) {
                    if (version.version() != expected) {
                        throw trimmedAt(head.key(), then);
                    }
                    return Optional.of(version);
                }
                expected = version.version() - 1;
            }
        }
        if (expected < 1) {
            return Optional.empty(); // every version read, none as old (times that were imported so)
        }
        // it existed then (createdAt), yet no version of then or before is left
        throw trimmedAt(head.key(), then);
    }

    /** {@link #versionAt}, leaving out an item whose state then was removed by retention (lists). */
    private Optional<Item> versionAtIfKept(Item head, Instant then) {
        try {
            return versionAt(head, then);
        } catch (TrimmedException trimmed) {
            return Optional.empty();
        }
    }

    private boolean parentLiveAt(Scope entries, Instant then) {
        return repository.head(entries.parent()).flatMap(head -> versionAt(head, then)).filter(Item::live).isPresent();
    }

    private static TrimmedException trimmedAt(ItemKey key, Instant then) {
        return new TrimmedException(key.kind().label() + " " + key.id() + " as of " + then
                + " is no longer known: the versions of that time were removed by the application's retention of old versions");
    }
}
