package dev.dynamini.migrate;

/**
 * The two tables of dynamodb-mini v0.2.4, as its sources wrote them (docs/migration.md):
 *
 * <ul>
 * <li>collections: HASH {@code application}, RANGE {@code userCollectionVersion} =
 *     {@code <user>#<collection id>#<epoch ms>}; attributes {@code name}, {@code deletedAt}?</li>
 * <li>entries: HASH {@code userCollection} = {@code <user>#<collection id>#} (no application),
 *     RANGE {@code entryVersion} = {@code <entry id>#<epoch ms>}; attributes {@code name}?,
 *     {@code value}? (JSON text), {@code deletedAt}? (ISO-8601)</li>
 * </ul>
 *
 * Users and ids went through slugify, which drops '#', so the last '#' of a key splits it
 * unambiguously.
 */
final class OldLayout {
    static final String APPLICATION = "application";
    static final String USER_COLLECTION_VERSION = "userCollectionVersion";
    static final String USER_COLLECTION = "userCollection";
    static final String ENTRY_VERSION = "entryVersion";
    static final String NAME = "name";
    static final String VALUE = "value";
    static final String DELETED_AT = "deletedAt";

    private OldLayout() {
    }

    /** A version key without its stamp: the same for every version of one item. */
    static String withoutStamp(String versionKey) {
        int hash = versionKey.lastIndexOf('#');
        return hash < 0 ? versionKey : versionKey.substring(0, hash);
    }

    /** The epoch milliseconds a version key ends with, as written (null when there is no '#'). */
    static String stamp(String versionKey) {
        int hash = versionKey.lastIndexOf('#');
        return hash < 0 ? null : versionKey.substring(hash + 1);
    }

    /** The prefix of every version key of one collection in the collections table. */
    static String collectionPrefix(String user, String collection) {
        return user + "#" + collection + "#";
    }
}
