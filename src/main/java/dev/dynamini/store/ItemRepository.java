package dev.dynamini.store;

import java.util.Optional;

/**
 * Storage of versioned items, as the model needs it. Every read of one item is one request; every
 * listing reads only what it returns (plus deleted heads when live items are asked for); every
 * {@link Change} is one atomic write.
 */
public interface ItemRepository {
    /** The limit that asks a listing for all of its items, however many DynamoDB pages they take. */
    int EVERYTHING = Integer.MAX_VALUE;

    /** The latest version of an item. */
    Optional<Item> head(ItemKey key);

    /** An entry's latest version and its collection's, in one request. */
    ItemWithParent headWithParent(ItemKey key);

    /** One version of an item. */
    Optional<Item> version(ItemKey key, long version);

    /** The id of the live item of the scope that holds the name. */
    Optional<String> nameHolder(Scope scope, String name);

    /** Latest versions of the scope's items in creation order, after {@code after} (null: from the start). */
    Slice heads(Scope scope, Position after, int limit, boolean liveOnly);

    /** Every version of every item of the scope, in creation order then version order. */
    Slice versionsInScope(Scope scope, Position after, int limit);

    /** The versions of one item. */
    Slice versionsOf(ItemKey key, Position after, int limit, Order order);

    /** Writes the change atomically, or nothing and throws {@link CommitRejectedException}. */
    void commit(Change change);
}
