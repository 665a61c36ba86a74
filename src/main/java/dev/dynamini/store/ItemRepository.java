package dev.dynamini.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Storage of versioned items, as the model needs it. Every read of one item is one request; every
 * listing reads only what it returns (plus deleted heads when live items are asked for); every
 * {@link Change} is seen whole or not at all.
 *
 * <p>Listings are read lazily: each {@code next()} of the iterator they return is one request and
 * gives that request's page of items (possibly empty, when a filter dropped all of it), so that a
 * caller holds one page at a time. {@code limit} is the most items the caller will take; no request
 * asks for more than remain.
 */
public interface ItemRepository {
    /** The limit that asks a listing for all of its items, however many DynamoDB pages they take. */
    int EVERYTHING = Integer.MAX_VALUE;

    /** The latest version of an item. */
    Optional<Item> head(ItemKey key);

    /** One committed version of an item (a version the head has not reached yet is not one). */
    Optional<Item> version(ItemKey key, long version);

    /**
     * Committed versions {@code from} to {@code to} (a few) of the item whose head the caller has
     * just read, by number, in one request; versions retention let go, and any above the head, are
     * left out.
     */
    Map<Long, Item> versionsBetween(Item head, long from, long to);

    /** The id of the live item of the scope that holds the name. */
    Optional<String> nameHolder(Scope scope, String name);

    /** Latest versions of the scope's items in creation order, after {@code after} (null: from the start). */
    Iterator<List<Item>> heads(Scope scope, Position after, int limit, boolean liveOnly);

    /** Every committed version of every item of the scope, in creation order then version order. */
    Iterator<List<Item>> versionsInScope(Scope scope, Position after, int limit);

    /**
     * The versions of the item whose head the caller has just read, up to that head: a version
     * above the head is pending, not committed (docs/storage.md), so the head is the edge of the
     * item's history.
     */
    Iterator<List<Item>> versionsOf(Item head, Position after, int limit, Order order);

    /**
     * The scope's change feed (a collection's entries, a user's collections, or, for a scope of a
     * whole application, all its collections): up to {@code limit} versions whose
     * {@link FeedPosition} is after {@code after} and at or before {@code upTo}, in that order. Each
     * is committed: a pending version met here is rolled forward first, as its next writer would.
     * Expired versions are left out. Only versions of applications that keep a feed are indexed.
     */
    ChangePage changes(Scope scope, String after, String upTo, int limit);

    /**
     * The number of the item's latest version written at or before {@code then}, when a time index
     * knows it (an application with {@code "asOfIndex": true}, for versions written since it turned
     * that on): one request, however deep the history. Empty when there is no such index or it
     * knows no version that old; then the caller reads the versions themselves. May name a version
     * retention has let go since.
     */
    OptionalLong versionNumberAt(ItemKey key, Instant then);

    /**
     * Commits the change: once this returns, it is durable and every reader sees it; if it throws
     * {@link CommitRejectedException}, no reader ever sees it. It is not one atomic write
     * (docs/storage.md, "The commit protocol"), and it does not check {@link Change#liveParent()}:
     * the store does.
     */
    void commit(Change change);

    // ---- retention: versions that expired (at or before now) are hidden from every read above
    // (one version, listings of versions) from that instant on, whether or not DynamoDB's TTL has
    // deleted them yet; heads never expire

    /**
     * Marks version {@code version} of {@code key} (never its head) to expire at {@code at}, which
     * may be now or past: from then on reads hide it, and DynamoDB's TTL deletes it later. One
     * conditional write; false, and nothing written, when that version does not exist or deletes
     * the item (deleting versions never expire).
     */
    boolean expire(ItemKey key, long version, Instant at);

    // ---- batches

    /** The latest versions of several items (of either kind), in as few requests as it can; absent items are left out. */
    Map<ItemKey, Item> headsOf(Collection<ItemKey> keys);

    /**
     * Writes all the changes atomically, in order (one transaction: each change's items as
     * {@link #commit} writes them, with the name registers it claims judged first, and a check
     * that each collection whose entries change is live, once however many of its entries do), or
     * nothing and throws {@link CommitAllRejectedException} naming the change whose judgement or
     * condition failed. Names given up are released lazily, so a later change may claim a name an
     * earlier one gave up; no two changes may write the same item or claim the same name.
     * {@link InvalidInputException} if the transaction would be larger than the store allows.
     */
    void commitAll(List<Change> changes);

    // ---- erasure: deletes for good, in bounded batches; each returns once what it deleted is durable

    /** Deletes every version item of {@code key} (not its head, nor its name); how many there were. */
    long purgeVersions(ItemKey key);

    /**
     * Deletes {@code head} and, if it is live and named, its name register, in one atomic write on
     * condition that the head is still at {@code head.version()}; false, and nothing deleted, if a
     * concurrent write changed it.
     */
    boolean purgeHead(Item head);

    /** Deletes every item of the scope's partition: heads, versions and name registers. */
    Purged purgeScope(Scope scope);
}
