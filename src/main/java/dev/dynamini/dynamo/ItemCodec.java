package dev.dynamini.dynamo;

import dev.dynamini.store.Content;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Item versions as DynamoDB attribute maps. Times are epoch milliseconds; the value and a collection's schema are JSON text. */
final class ItemCodec {
    static final String VERSION = "version";
    static final String NAME = "name";
    static final String VALUE = "value";
    /** A collection's JSON Schema for its entries' values. */
    static final String SCHEMA = "schema";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String DELETED_AT = "deletedAt";
    /**
     * On a version item that retention let go: when it expires, in epoch seconds (DynamoDB's TTL
     * attribute, enabled on both tables). Heads and deleting versions never carry it.
     */
    static final String EXPIRES_AT = "expiresAt";
    /** In a name register item: the id of the item that claimed the name. */
    static final String HOLDER = "id";
    /**
     * In a name register item: the version of the holder that claimed the name. Registers written
     * before the commit protocol of docs/storage.md have none, which reads as 0.
     */
    static final String CLAIMED_VERSION = "claimedVersion";
    /** In a name register item: the claiming attempt's token, and when it claimed (epoch ms). */
    static final String CLAIM_TOKEN = "claimToken";
    static final String CLAIMED_AT = "claimedAt";
    /**
     * On a version slot that a claimer fenced off: the token of the abandoned attempt that may
     * never fill it. Such an item is no version; reads never return it.
     */
    static final String FENCED = "fenced";
    /** On a version item: the token of the attempt that wrote it, which tells a retried put its own. */
    static final String WRITER = "writer";

    private ItemCodec() {
    }

    static Map<String, AttributeValue> head(Item item) {
        return attributes(item, KeyLayout.head(item.key().id()));
    }

    static Map<String, AttributeValue> version(Item item) {
        return attributes(item, KeyLayout.version(item.key().id(), item.version()));
    }

    private static Map<String, AttributeValue> attributes(Item item, String sortKey) {
        Map<String, AttributeValue> map = new HashMap<>();
        map.put(KeyLayout.PK, s(KeyLayout.partition(item.key().scope())));
        map.put(KeyLayout.SK, s(sortKey));
        if (item.key().kind() == Kind.COLLECTION) {
            map.put(KeyLayout.APP, s(item.key().scope().application()));
        }
        map.put(VERSION, n(item.version()));
        if (item.content().name() != null) {
            map.put(NAME, s(item.content().name()));
        }
        if (item.content().value() != null) {
            map.put(VALUE, s(item.content().value()));
        }
        if (item.content().schema() != null) {
            map.put(SCHEMA, s(item.content().schema()));
        }
        map.put(CREATED_AT, n(item.createdAt().toEpochMilli()));
        map.put(UPDATED_AT, n(item.updatedAt().toEpochMilli()));
        if (item.deletedAt() != null) {
            map.put(DELETED_AT, n(item.deletedAt().toEpochMilli()));
        }
        return map;
    }

    static boolean fenced(Map<String, AttributeValue> map) {
        return map.containsKey(FENCED);
    }

    static Item decode(Kind kind, Map<String, AttributeValue> map) {
        ItemKey key = KeyLayout.itemOf(kind, map.get(KeyLayout.PK).s(), map.get(KeyLayout.SK).s());
        return new Item(key,
                Long.parseLong(map.get(VERSION).n()),
                new Content(string(map, NAME), string(map, VALUE), string(map, SCHEMA)),
                instant(map, CREATED_AT),
                instant(map, UPDATED_AT),
                instant(map, DELETED_AT));
    }

    /** True when the item carries an {@link #EXPIRES_AT} at or before {@code now}: reads hide it. */
    static boolean expired(Map<String, AttributeValue> map, Instant now) {
        AttributeValue v = map.get(EXPIRES_AT);
        return v != null && v.n() != null && Long.parseLong(v.n()) <= now.getEpochSecond();
    }

    /** About the bytes DynamoDB counts for the item (names and values; UTF-8 taken as one byte per char). */
    static long approximateBytes(Map<String, AttributeValue> map) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : map.entrySet()) {
            AttributeValue v = attribute.getValue();
            bytes += attribute.getKey().length() + (v.s() != null ? v.s().length() : v.n() != null ? v.n().length() : 0);
        }
        return bytes;
    }

    static Map<String, AttributeValue> key(String partition, String sortKey) {
        return Map.of(KeyLayout.PK, s(partition), KeyLayout.SK, s(sortKey));
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private static String string(Map<String, AttributeValue> map, String name) {
        AttributeValue v = map.get(name);
        return v == null ? null : v.s();
    }

    private static Instant instant(Map<String, AttributeValue> map, String name) {
        AttributeValue v = map.get(name);
        return v == null ? null : Instant.ofEpochMilli(Long.parseLong(v.n()));
    }
}
