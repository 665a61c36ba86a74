package dev.dynamini.dynamo;

import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import java.time.Instant;

/**
 * How versioned items map to DynamoDB keys (docs/storage.md). A scope is one partition:
 * {@code app#user} in the collections table, {@code app#user#collection} in the entries table.
 * Inside it, sort keys: {@code H#<id>} the head (latest version), {@code V#<id>#<version, 10 digits>}
 * each version, {@code N#<name>} the register of live names. '#' cannot occur in any id or
 * application, so keys never collide across applications, users or collections.
 */
final class KeyLayout {
    static final String PK = "pk";
    static final String SK = "sk";
    /** Partition key of the collections table's index over all of an application's collections. */
    static final String APP = "app";
    static final String BY_APPLICATION = "byApplication";
    /**
     * On the version items of applications that keep a change feed: the version's
     * {@link dev.dynamini.store.FeedPosition}, sort key of the feed indexes (docs/storage.md, "The
     * change feed"). Heads never carry it, so the indexes hold versions only.
     */
    static final String FEED_POSITION = "fs";
    /** On collection version items of such applications: {@code <app>#<bucket>}, partition key of {@link #BY_APPLICATION_CHANGE}. */
    static final String FEED_BUCKET = "fa";
    /** Both tables: a scope's versions by feed position ({@code pk} hash, {@code fs} range), keys only. */
    static final String BY_CHANGE = "byChange";
    /** Collections table: an application's collection versions by feed position, spread over {@link #FEED_BUCKETS} partitions. */
    static final String BY_APPLICATION_CHANGE = "byApplicationChange";
    /**
     * On the version items of applications whose as-of reads are indexed: the item
     * ({@code <partition>#<id>}) and {@code <updatedAt, 13 digits>#<version, 10 digits>}, the keys of
     * {@link #BY_ITEM_TIME}.
     */
    static final String ITEM = "ti";
    static final String ITEM_TIME = "ts";
    /** Both tables: an item's versions by time ({@code ti} hash, {@code ts} range), keys only. */
    static final String BY_ITEM_TIME = "byItemTime";
    /** Partitions an application's collection feed is spread over, by user, so that no one key takes all its writes. */
    static final int FEED_BUCKETS = 8;

    static final String HEAD = "H#";
    static final String VERSION = "V#";
    static final String NAME = "N#";

    private KeyLayout() {
    }

    static String partition(Scope scope) {
        return scope.kind() == Kind.COLLECTION
                ? scope.application() + "#" + scope.user()
                : scope.application() + "#" + scope.user() + "#" + scope.collection();
    }

    /** The feed partition of a user's collections: one of the application's {@link #FEED_BUCKETS}, by user. */
    static String feedBucket(String application, String user) {
        return application + "#" + Math.floorMod(user.hashCode(), FEED_BUCKETS);
    }

    static String item(ItemKey key) {
        return partition(key.scope()) + "#" + key.id();
    }

    static String itemTime(Instant at, long version) {
        return padded(at.toEpochMilli(), 13) + "#" + padded(version, 10);
    }

    /** After every version stamped at or before {@code at}. */
    static String itemTimeEndOf(Instant at) {
        return padded(at.toEpochMilli(), 13) + "#\u007f";
    }

    private static String padded(long number, int width) {
        String digits = Long.toString(Math.max(0, number));
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    static String head(String id) {
        return HEAD + id;
    }

    static String version(String id, long version) {
        return versionsOf(id) + padded(version, 10);
    }

    static String versionsOf(String id) {
        return VERSION + id + "#";
    }

    static String name(String name) {
        return NAME + name;
    }

    /** The scope whose partition key this is. */
    static Scope scopeOf(Kind kind, String partition) {
        // runs for every item read: indexOf rather than split, which showed up in profiles
        int first = partition.indexOf('#');
        String application = partition.substring(0, first);
        if (kind == Kind.COLLECTION) {
            return Scope.collectionsOf(application, partition.substring(first + 1));
        }
        int second = partition.indexOf('#', first + 1);
        return Scope.entriesOf(application, partition.substring(first + 1, second), partition.substring(second + 1));
    }

    /** The item a head or version sort key belongs to. */
    static ItemKey itemOf(Kind kind, String partition, String sortKey) {
        String rest = sortKey.substring(2);
        int hash = rest.indexOf('#');
        return scopeOf(kind, partition).item(hash < 0 ? rest : rest.substring(0, hash));
    }
}
