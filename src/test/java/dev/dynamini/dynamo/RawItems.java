package dev.dynamini.dynamo;

import dev.dynamini.store.Content;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Tests' direct access to the tables in dynamini's key layout: seeding many items fast (BatchWriteItem
 * rather than one transaction per item over HTTP) and reading a partition's sort keys.
 */
public record RawItems(DynamoDbClient client, String collections, String entries) {

    private String table(Kind kind) {
        return kind == Kind.COLLECTION ? collections : entries;
    }

    /** A live collection (head, version 1, name register), as a create would leave it. */
    public void putCollection(String application, String user, String id) {
        Item item = Item.first(Scope.collectionsOf(application, user).item(id), new Content(id, null), Instant.now());
        write(collections, List.of(ItemCodec.head(item), ItemCodec.version(item), register(item)));
    }

    /** Live unnamed entries {@code prefix0..n-1}, each a head and version 1. */
    public void putEntries(String application, String user, String collection, String prefix, int n) {
        Scope scope = Scope.entriesOf(application, user, collection);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            Item item = Item.first(scope.item(prefix + String.format("%05d", i)), new Content(null, "{\"i\":" + i + "}"), now);
            items.add(ItemCodec.head(item));
            items.add(ItemCodec.version(item));
            if (items.size() >= 24) {
                write(entries, items);
                items = new ArrayList<>();
            }
        }
        write(entries, items);
    }

    /** Deletes single items by sort key, as a purge cut short would have. */
    public void delete(Kind kind, Scope scope, List<String> sortKeys) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String sk : sortKeys) {
            keys.add(ItemCodec.key(KeyLayout.partition(scope), sk));
        }
        send(table(kind), keys.stream().map(k -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build()).toList());
    }

    /** Every sort key of the scope's partition. */
    public List<String> sortKeys(Scope scope) {
        List<String> keys = new ArrayList<>();
        QueryRequest.Builder query = QueryRequest.builder().tableName(table(scope.kind())).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", ItemCodec.s(KeyLayout.partition(scope))));
        while (true) {
            QueryResponse page = client.query(query.build());
            page.items().forEach(item -> keys.add(item.get(KeyLayout.SK).s()));
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                return keys;
            }
            query.exclusiveStartKey(page.lastEvaluatedKey());
        }
    }

    /** The {@code expiresAt} (retention's TTL attribute, epoch seconds) of every item of the partition that has one, by sort key. */
    public Map<String, Long> expiries(Scope scope) {
        Map<String, Long> found = new java.util.TreeMap<>();
        QueryRequest.Builder query = QueryRequest.builder().tableName(table(scope.kind())).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", ItemCodec.s(KeyLayout.partition(scope))));
        while (true) {
            QueryResponse page = client.query(query.build());
            page.items().stream().filter(item -> item.containsKey(ItemCodec.EXPIRES_AT))
                    .forEach(item -> found.put(item.get(KeyLayout.SK).s(), Long.parseLong(item.get(ItemCodec.EXPIRES_AT).n())));
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                return found;
            }
            query.exclusiveStartKey(page.lastEvaluatedKey());
        }
    }

    /** Sets an item's {@code expiresAt}, as if its time had come (or as TTL would see it). */
    public void setExpiresAt(Kind kind, Scope scope, String sortKey, long epochSeconds) {
        client.updateItem(r -> r.tableName(table(kind)).key(ItemCodec.key(KeyLayout.partition(scope), sortKey))
                .updateExpression("SET #e = :e").expressionAttributeNames(Map.of("#e", ItemCodec.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":e", ItemCodec.n(epochSeconds))));
    }

    /** The name of the TTL attribute retention uses. */
    public static String ttlAttribute() {
        return ItemCodec.EXPIRES_AT;
    }

    public static String versionKey(ItemKey key, long version) {
        return KeyLayout.version(key.id(), version);
    }

    public static String headKey(ItemKey key) {
        return KeyLayout.head(key.id());
    }

    private static Map<String, AttributeValue> register(Item item) {
        Map<String, AttributeValue> register = new java.util.HashMap<>(ItemCodec.key(KeyLayout.partition(item.key().scope()), KeyLayout.name(item.content().name())));
        register.put(ItemCodec.HOLDER, ItemCodec.s(item.key().id()));
        return register;
    }

    private void write(String table, List<Map<String, AttributeValue>> items) {
        if (!items.isEmpty()) {
            send(table, items.stream().map(i -> WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build()).toList());
        }
    }

    private void send(String table, List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += 25) {
            Map<String, List<WriteRequest>> pending = Map.of(table, requests.subList(from, Math.min(requests.size(), from + 25)));
            while (!pending.isEmpty()) {
                BatchWriteItemResponse done = client.batchWriteItem(BatchWriteItemRequest.builder().requestItems(pending).build());
                pending = done.hasUnprocessedItems() ? done.unprocessedItems() : Map.of();
            }
        }
    }
}
