package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;
import static dev.dynamini.dynamo.ItemCodec.n;
import static dev.dynamini.dynamo.ItemCodec.s;

import dev.dynamini.store.CommitRejectedException.Reason;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Purged;
import dev.dynamini.store.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Erasure (docs/storage.md, "Purge"): deletes items for good, reading a page of keys at a time,
 * never the items, so that a purge holds one page whatever the partition holds.
 */
final class Sweeper {
    /** Keys one Query of a purge reads: a purge holds one such page, whatever the partition holds. */
    static final int PURGE_PAGE_KEYS = 500;
    /** BatchWriteItem's limit. */
    private static final int BATCH_KEYS = 25;
    /** Rounds of a batch's unprocessed keys before the purge gives up as throttled (it can be repeated). */
    private static final int BATCH_ATTEMPTS = 10;

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final CommitBarrier commitBarrier;

    Sweeper(MeteredDynamoDb dynamo, TableNames tables, CommitBarrier commitBarrier) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.commitBarrier = commitBarrier;
    }

    long purgeVersions(ItemKey key) {
        return sweep(key.scope(), KeyLayout.versionsOf(key.id())).versions();
    }

    Purged purgeScope(Scope scope) {
        return sweep(scope, null);
    }

    boolean purgeHead(Item head) {
        ItemKey key = head.key();
        String table = tables.of(key.kind());
        String partition = KeyLayout.partition(key.scope());
        releaseOldNames(head);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key(partition, KeyLayout.head(key.id())))
                .conditionExpression("#version = :expected")
                .expressionAttributeNames(Map.of("#version", ItemCodec.VERSION))
                .expressionAttributeValues(Map.of(":expected", n(head.version()))).build()).build());
        if (head.live() && head.content().name() != null) {
            // a register this item does not hold is another item's: left alone; a missing one is fine
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(partition, KeyLayout.name(head.content().name())))
                    .conditionExpression("attribute_not_exists(#pk) OR #holder = :id")
                    .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#holder", ItemCodec.HOLDER))
                    .expressionAttributeValues(Map.of(":id", s(key.id()))).build()).build());
        }
        try {
            dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes)
                    .clientRequestToken(UUID.randomUUID().toString()).build());
        } catch (TransactionCanceledException cancelled) {
            // a changed head or a concurrent transaction: the caller re-reads and tries again
            Rejection.of(cancelled, List.of(Reason.ITEM_CHANGED, Reason.ITEM_CHANGED));
            return false;
        }
        commitBarrier.awaitAll(table);
        return true;
    }

    /**
     * Deletes the registers of names the item claimed and no longer holds: registers are released
     * lazily (docs/storage.md), so a renamed item leaves its old names behind, naming its id. They
     * are found by reading the scope's registers, a page of keys and holders at a time.
     */
    private void releaseOldNames(Item head) {
        ItemKey key = head.key();
        String table = tables.of(key.kind());
        String partition = KeyLayout.partition(key.scope());
        String held = head.live() ? head.content().name() : null;
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .filterExpression("#holder = :id")
                .projectionExpression("#pk, #sk")
                .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#sk", KeyLayout.SK, "#holder", ItemCodec.HOLDER))
                .expressionAttributeValues(Map.of(":pk", s(partition), ":prefix", s(KeyLayout.NAME), ":id", s(key.id())))
                .limit(PURGE_PAGE_KEYS);
        List<WriteRequest> batch = new ArrayList<>(BATCH_KEYS);
        boolean more = true;
        while (more) {
            QueryResponse page = dynamo.query(query.build());
            for (Map<String, AttributeValue> found : page.items()) {
                if (held != null && found.get(KeyLayout.SK).s().equals(KeyLayout.name(held))) {
                    continue; // goes with the head, in one write
                }
                batch.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(found).build()).build());
                if (batch.size() == BATCH_KEYS) {
                    deleteAll(table, batch);
                    batch = new ArrayList<>(BATCH_KEYS);
                }
            }
            more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
            if (more) {
                query.exclusiveStartKey(page.lastEvaluatedKey());
            }
        }
        if (!batch.isEmpty()) {
            deleteAll(table, batch);
        }
    }

    /**
     * Deletes every item of the scope's partition whose sort key starts with {@code prefix} (null:
     * all), one page of keys at a time, in batches of 25. Reads are strongly consistent whatever
     * AWS_DYNAMODB_CONSISTENT_READ says, so that nothing just written is missed. Counts heads as
     * items, and versions.
     */
    private Purged sweep(Scope scope, String prefix) {
        String table = tables.of(scope.kind());
        String partition = KeyLayout.partition(scope);
        Map<String, String> names = Map.of("#pk", KeyLayout.PK, "#sk", KeyLayout.SK);
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                .projectionExpression("#pk, #sk").expressionAttributeNames(names).limit(PURGE_PAGE_KEYS);
        if (prefix == null) {
            query.keyConditionExpression("#pk = :pk").expressionAttributeValues(Map.of(":pk", s(partition)));
        } else {
            query.keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":prefix", s(prefix)));
        }
        long heads = 0;
        long versions = 0;
        boolean more = true;
        while (more) {
            QueryResponse page = dynamo.query(query.build());
            List<WriteRequest> batch = new ArrayList<>(BATCH_KEYS);
            for (Map<String, AttributeValue> found : page.items()) {
                String sortKey = found.get(KeyLayout.SK).s();
                heads += sortKey.startsWith(KeyLayout.HEAD) ? 1 : 0;
                versions += sortKey.startsWith(KeyLayout.VERSION) ? 1 : 0;
                batch.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(found).build()).build());
                if (batch.size() == BATCH_KEYS) {
                    deleteAll(table, batch);
                    batch = new ArrayList<>(BATCH_KEYS);
                }
            }
            if (!batch.isEmpty()) {
                deleteAll(table, batch);
            }
            more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
            if (more) {
                query.exclusiveStartKey(page.lastEvaluatedKey());
            }
        }
        if (heads + versions > 0) {
            commitBarrier.awaitAll(table);
        }
        return new Purged(heads, versions);
    }

    /** One BatchWriteItem, and again for the keys DynamoDB left unprocessed, with growing pauses. */
    private void deleteAll(String table, List<WriteRequest> deletes) {
        Map<String, List<WriteRequest>> pending = Map.of(table, deletes);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            BatchWriteItemResponse done = dynamo.batchWriteItem(BatchWriteItemRequest.builder().requestItems(pending).build());
            pending = done.hasUnprocessedItems() ? done.unprocessedItems() : Map.of();
            if (pending.isEmpty()) {
                return;
            }
            if (attempt == BATCH_ATTEMPTS) {
                // answered 429 like any throttling; what was deleted stays deleted and a repeat finishes
                throw ProvisionedThroughputExceededException.builder()
                        .message("DynamoDB left deletes of a purge unprocessed " + attempt + " times").build();
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(1, Math.min(1000, 10L << attempt)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while purging", e);
            }
        }
    }
}
