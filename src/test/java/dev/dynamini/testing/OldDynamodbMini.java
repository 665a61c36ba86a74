package dev.dynamini.testing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Writes DynamoDB tables exactly as dynamodb-mini v0.2.4 did (its collection and entry services):
 * every change puts a new item keyed by the epoch milliseconds of the change, and a delete rewrites
 * the latest item in place, adding {@code deletedAt}. Users and ids are passed as dynamodb-mini
 * stored them (after slugify). Time comes from a clock that moves one second per change, so tests
 * know every version's time; {@link #at(long)} sets it.
 */
public final class OldDynamodbMini {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient client;
    private final String collections;
    private final String entries;
    private long clock = 1_600_000_000_000L;

    public OldDynamodbMini(DynamoDbClient client, String collections, String entries) {
        this.client = client;
        this.collections = collections;
        this.entries = entries;
    }

    /** Creates both tables with dynamodb-mini's key schema. */
    public OldDynamodbMini createTables() {
        create(collections, "application", "userCollectionVersion");
        create(entries, "userCollection", "entryVersion");
        return this;
    }

    private void create(String table, String hash, String range) {
        client.createTable(r -> r.tableName(table)
                .keySchema(k -> k.attributeName(hash).keyType(KeyType.HASH), k -> k.attributeName(range).keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName(hash).attributeType(ScalarAttributeType.S),
                        a -> a.attributeName(range).attributeType(ScalarAttributeType.S))
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }

    /** The time of the next change (epoch ms). */
    public long now() {
        return clock;
    }

    public OldDynamodbMini at(long epochMillis) {
        clock = epochMillis;
        return this;
    }

    private long tick() {
        long now = clock;
        clock += 1000;
        return now;
    }

    public static String iso(long epochMillis) {
        return ISO.format(Instant.ofEpochMilli(epochMillis));
    }

    // ---- collections: POST, PUT, DELETE of dynamodb-mini ----------------------------------------

    public String createCollection(String application, String user, String name) {
        String id = UUID.randomUUID().toString();
        updateCollection(application, user, id, name);
        return id;
    }

    public void updateCollection(String application, String user, String id, String name) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("application", s(application));
        item.put("userCollectionVersion", s(user + "#" + id + "#" + tick()));
        item.put("name", s(name));
        client.putItem(r -> r.tableName(collections).item(item));
    }

    /** Rewrites the latest version in place with deletedAt, as collection/service.ts remove() did. */
    public void deleteCollection(String application, String user, String id) {
        Map<String, AttributeValue> latest = latest(client.query(r -> r.tableName(collections)
                .keyConditionExpression("application = :a AND begins_with(userCollectionVersion, :p)")
                .expressionAttributeValues(Map.of(":a", s(application), ":p", s(user + "#" + id + "#")))).items());
        Map<String, AttributeValue> rewritten = new HashMap<>(latest);
        rewritten.put("deletedAt", s(iso(tick())));
        client.putItem(r -> r.tableName(collections).item(rewritten));
    }

    // ---- entries ----------------------------------------------------------------------------------

    /** {@code valueJson} is the stored text (JSON.stringify of the value), or null. */
    public String createEntry(String user, String collection, String name, String valueJson) {
        String id = UUID.randomUUID().toString();
        updateEntry(user, collection, id, name, valueJson);
        return id;
    }

    /** dynamodb-mini's PUT: a whole new version (fields left out are gone). */
    public void updateEntry(String user, String collection, String id, String name, String valueJson) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("userCollection", s(user + "#" + collection + "#"));
        item.put("entryVersion", s(id + "#" + tick()));
        if (name != null && !name.isEmpty()) {
            item.put("name", s(name));
        }
        if (valueJson != null) {
            item.put("value", s(valueJson));
        }
        client.putItem(r -> r.tableName(entries).item(item));
    }

    /** Rewrites the latest version in place with deletedAt, as entry/service.ts remove() did. */
    public void deleteEntry(String user, String collection, String id) {
        Map<String, AttributeValue> latest = latest(client.query(r -> r.tableName(entries)
                .keyConditionExpression("userCollection = :c AND begins_with(entryVersion, :p)")
                .expressionAttributeValues(Map.of(":c", s(user + "#" + collection + "#"), ":p", s(id + "#")))).items());
        Map<String, AttributeValue> rewritten = new HashMap<>(latest);
        rewritten.put("deletedAt", s(iso(tick())));
        client.putItem(r -> r.tableName(entries).item(rewritten));
    }

    /** Any item, for data dynamodb-mini's API would not have let through (or that others wrote). */
    public void putRaw(boolean collectionsTable, Map<String, AttributeValue> item) {
        client.putItem(r -> r.tableName(collectionsTable ? collections : entries).item(item));
    }

    private static Map<String, AttributeValue> latest(List<Map<String, AttributeValue>> versions) {
        if (versions.isEmpty()) {
            throw new IllegalStateException("nothing to delete");
        }
        return versions.get(versions.size() - 1);
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
