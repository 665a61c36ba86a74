package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;

import dev.dynamini.store.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Items read by key, in BatchGetItems: what single reads, listings and batches look up at once. */
final class BatchReads {
    /** BatchGetItem's limit. */
    private static final int BATCH_GET_KEYS = 100;

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final boolean consistentRead;

    BatchReads(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.consistentRead = consistentRead;
    }

    /** Items of one table by key, in as many requests as DynamoDB needs, keyed by sort key. */
    Map<String, Map<String, AttributeValue>> batchGet(Kind kind, List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        String table = tables.of(kind);
        for (int from = 0; from < keys.size(); from += BATCH_GET_KEYS) {
            Map<String, KeysAndAttributes> wanted = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + BATCH_GET_KEYS))).consistentRead(consistentRead).build());
            // DynamoDB may leave keys unprocessed under load; ask again for those
            while (!wanted.isEmpty()) {
                BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(wanted).build());
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    found.put(item.get(KeyLayout.SK).s(), item);
                }
                wanted = response.unprocessedKeys() == null ? Map.of() : response.unprocessedKeys();
            }
        }
        return found;
    }

    /**
     * Items of either table, each asked for once, 100 keys a BatchGetItem (one request for a
     * batch's heads or registers); those found, by where they are.
     */
    Map<Stored, Map<String, AttributeValue>> getAll(Collection<Stored> keys, boolean consistent) {
        List<Stored> all = new ArrayList<>(new LinkedHashSet<>(keys));
        Map<Stored, Map<String, AttributeValue>> found = new HashMap<>();
        for (int from = 0; from < all.size(); from += BATCH_GET_KEYS) {
            Map<String, List<Map<String, AttributeValue>>> byTable = new HashMap<>();
            for (Stored key : all.subList(from, Math.min(all.size(), from + BATCH_GET_KEYS))) {
                byTable.computeIfAbsent(key.table(), t -> new ArrayList<>()).add(key(key.partition(), key.sortKey()));
            }
            Map<String, KeysAndAttributes> request = new HashMap<>();
            byTable.forEach((table, tableKeys) -> request.put(table, KeysAndAttributes.builder().keys(tableKeys).consistentRead(consistent).build()));
            // DynamoDB may leave keys unprocessed under load (or past 16 MB of answer); ask again for those
            while (!request.isEmpty()) {
                BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                response.responses().forEach((table, items) -> items.forEach(item -> found.put(Stored.of(table, item), item)));
                request.clear();
                if (response.hasUnprocessedKeys()) {
                    request.putAll(response.unprocessedKeys());
                }
            }
        }
        return found;
    }
}
