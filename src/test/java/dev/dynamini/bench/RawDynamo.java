package dev.dynamini.bench;

import dev.dynamini.dynamo.CommitBarrier;
import dev.dynamini.dynamo.TableNames;
import dev.dynamini.dynamo.Tables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The floor: the DynamoDB calls behind each operation, made directly with the SDK on the same
 * DynamoDB Local, no HTTP and no dynamini code in between. Reads go to the server's own tables
 * (same items, key layout of docs/storage.md / KeyLayout); writes go to two raw tables made like the
 * server's (same keys and index) and write items shaped like the server's, in transactions shaped
 * like the server's (with a client request token, as the server sends). Capacity is asked for with
 * ReturnConsumedCapacity INDEXES, which on real DynamoDB splits read and write units (DynamoDB
 * Local 3.3.1 answers only the total).
 */
final class RawDynamo {
    private final DynamoDbClient client;
    private final CommitBarrier barrier;
    private final TableNames server;
    private final TableNames raw;
    private final Seeded data;
    private final String value;
    private final int versionsLimit;
    private final String rawCollections;
    private final String rawEntries;
    private final AtomicLong ids = new AtomicLong();
    private final String run = Long.toString(System.currentTimeMillis(), 36);

    /**
     * What the seeding made: ids of the shallow and the deep collection and of their entries, the deep
     * entries' depth and the version of the mid-history instant, and the feed application's collection
     * of changes, its entries, and an instant after its last change (settled).
     */
    record Seeded(String application, String user, String shallowCollection, List<String> shallowEntries,
                  String deepCollection, List<String> deepEntries, int depth, int midVersion,
                  String feedApplication, String feedCollection, List<String> feedEntries, java.time.Instant feedQuietAt) {
    }

    /** BatchGetItem's limit of keys per request. */
    private static final int BATCH_GET_KEYS = 100;

    /** The BatchGetItems a feed page of {@code changes} changes needs: a version and its head each. */
    static int feedBatches(int changes) {
        return (2 * changes + BATCH_GET_KEYS - 1) / BATCH_GET_KEYS;
    }

    /** Keys of one of them (the first, the largest). */
    int feedBatchKeys() {
        return Math.min(BATCH_GET_KEYS, 2 * data.feedEntries().size());
    }

    RawDynamo(DynamoDbClient client, CommitBarrier barrier, TableNames server, TableNames raw, Seeded data, String value, int versionsLimit) {
        this.client = client;
        this.barrier = barrier;
        this.server = server;
        this.raw = raw;
        this.data = data;
        this.value = value;
        this.versionsLimit = versionsLimit;
        this.rawCollections = raw.collections();
        this.rawEntries = raw.entries();
    }

    /** Creates the raw tables as the server creates its own, and a live raw collection head. */
    void prepare() {
        new Tables(client, raw, Optional.empty(), Optional.empty()).ensure();
        client.putItem(p -> p.tableName(rawCollections).item(itemAttributes(collectionPartition(), head("rawcol"), 1, "raw collection", null, true)));
    }

    // ---- key layout, as KeyLayout writes it ----------------------------------------------------

    private String collectionPartition() {
        return data.application() + "#" + data.user();
    }

    private String entryPartition(String collection) {
        return data.application() + "#" + data.user() + "#" + collection;
    }

    private String feedPartition() {
        return data.feedApplication() + "#" + data.user() + "#" + data.feedCollection();
    }

    private static String head(String id) {
        return "H#" + id;
    }

    private static String version(String id, long v) {
        return "V#" + id + "#" + String.format("%010d", v);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    private static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
    }

    /** An item as ItemCodec writes it: keys, (app), version, name, value, createdAt, updatedAt. */
    private Map<String, AttributeValue> itemAttributes(String pk, String sk, long v, String name, String json, boolean collection) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("pk", s(pk));
        m.put("sk", s(sk));
        if (collection) {
            m.put("app", s(data.application()));
        }
        m.put("version", n(v));
        if (name != null) {
            m.put("name", s(name));
        }
        if (json != null) {
            m.put("value", s(json));
        }
        long now = System.currentTimeMillis();
        m.put("createdAt", n(now));
        m.put("updatedAt", n(now));
        return m;
    }

    private static String pick(List<String> ids) {
        return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    // ---- capacity -----------------------------------------------------------------------------

    private static void record(DynamoStats stats, boolean measured, String operation, List<ConsumedCapacity> consumed) {
        record(stats, measured, operation, consumed, Billing.reported(operation, consumed));
    }

    /** A TransactWriteItems: its write units by the billing rules are estimated from its items. */
    private static void recordTransaction(DynamoStats stats, boolean measured, List<TransactWriteItem> items, List<ConsumedCapacity> consumed) {
        record(stats, measured, "TransactWriteItems", consumed, Billing.transaction(items, consumed));
    }

    private static void record(DynamoStats stats, boolean measured, String operation, List<ConsumedCapacity> consumed, Billing.Usage billed) {
        if (!measured) {
            return;
        }
        double read = 0;
        double write = 0;
        double unsplit = 0;
        for (ConsumedCapacity c : consumed == null ? List.<ConsumedCapacity>of() : consumed) {
            if (c == null) {
                continue;
            }
            double r = c.readCapacityUnits() == null ? 0 : c.readCapacityUnits();
            double w = c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits();
            double total = c.capacityUnits() == null ? 0 : c.capacityUnits();
            if (r + w == 0 && total > 0) {
                unsplit += total;
                if (DynamoTap.isRead(operation)) {
                    r = total;
                } else {
                    w = total;
                }
            }
            read += r;
            write += w;
        }
        stats.addRaw(operation, read, write, unsplit, billed);
    }

    private static List<ConsumedCapacity> one(ConsumedCapacity c) {
        return c == null ? List.of() : List.of(c);
    }

    // ---- reads, on the server's tables ---------------------------------------------------------

    /** GetItem of one entry head (strongly consistent), as dynamini's head(). */
    Load.Workload getItem(DynamoStats stats) {
        return w -> (rid, measured) -> {
            var r = client.getItem(g -> g.tableName(server.entries()).consistentRead(true)
                    .key(key(entryPartition(data.shallowCollection()), head(pick(data.shallowEntries()))))
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            if (!r.hasItem()) {
                throw new IllegalStateException("raw GetItem found nothing");
            }
            record(stats, measured, "GetItem", one(r.consumedCapacity()));
            return 200;
        };
    }

    /** BatchGetItem of an entry head and its collection head, as GET one entry (filter=latest) does. */
    Load.Workload batchGetEntryAndCollection(DynamoStats stats) {
        return w -> (rid, measured) -> {
            Map<String, KeysAndAttributes> wanted = Map.of(
                    server.entries(), KeysAndAttributes.builder().consistentRead(true)
                            .keys(key(entryPartition(data.shallowCollection()), head(pick(data.shallowEntries())))).build(),
                    server.collections(), KeysAndAttributes.builder().consistentRead(true)
                            .keys(key(collectionPartition(), head(data.shallowCollection()))).build());
            var r = client.batchGetItem(b -> b.requestItems(wanted).returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            if (r.responses().values().stream().mapToInt(List::size).sum() != 2 || !r.unprocessedKeys().isEmpty()) {
                throw new IllegalStateException("raw BatchGetItem did not return both items");
            }
            record(stats, measured, "BatchGetItem", r.consumedCapacity());
            return 200;
        };
    }

    /** Query of every live head of a collection, as listing latest entries does. */
    Load.Workload queryHeads(DynamoStats stats, boolean deep) {
        String partition = entryPartition(deep ? data.deepCollection() : data.shallowCollection());
        int expected = deep ? data.deepEntries().size() : data.shallowEntries().size();
        return w -> (rid, measured) -> {
            var r = client.query(q -> q.tableName(server.entries()).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .filterExpression("attribute_not_exists(#deleted)")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk", "#deleted", "deletedAt"))
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":prefix", s("H#")))
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            if (r.count() != expected || r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()) {
                throw new IllegalStateException("raw Query of heads returned " + r.count() + " items, expected " + expected + " in one page");
            }
            record(stats, measured, "Query", one(r.consumedCapacity()));
            return 200;
        };
    }

    /** Query of every version of one deep entry, as filter=all of one entry does. */
    Load.Workload queryAllVersions(DynamoStats stats) {
        return queryVersions(stats, true, null);
    }

    /** Query of the newest versionsLimit+1 versions of one deep entry, as a versions page does. */
    Load.Workload queryVersionsPage(DynamoStats stats) {
        return queryVersions(stats, false, versionsLimit + 1);
    }

    private Load.Workload queryVersions(DynamoStats stats, boolean ascending, Integer limit) {
        String partition = entryPartition(data.deepCollection());
        return w -> (rid, measured) -> {
            var r = client.query(q -> q.tableName(server.entries()).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":prefix", s("V#" + pick(data.deepEntries()) + "#")))
                    .scanIndexForward(ascending)
                    .limit(limit)
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            record(stats, measured, "Query", one(r.consumedCapacity()));
            return 200;
        };
    }

    /**
     * Query of the versions of one deep entry newest first, from its head's version down to the one
     * of the mid-history instant: the fewest versions an asOf read of that instant must see (the
     * server asks for a first page of 32 and stops at the one old enough).
     */
    Load.Workload queryVersionsSince(DynamoStats stats) {
        String partition = entryPartition(data.deepCollection());
        int expected = data.depth() - data.midVersion() + 1;
        return w -> (rid, measured) -> {
            String id = pick(data.deepEntries());
            var r = client.query(q -> q.tableName(server.entries()).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :first AND :last")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":first", s(version(id, data.midVersion())),
                            ":last", s(version(id, data.depth()))))
                    .scanIndexForward(false)
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            if (r.count() != expected) {
                throw new IllegalStateException("raw Query of versions since returned " + r.count() + ", expected " + expected);
            }
            record(stats, measured, "Query", one(r.consumedCapacity()));
            return 200;
        };
    }

    // ---- the change feed, on the server's tables -----------------------------------------------

    /** After every change stamped at or before {@code millis}, as FeedPosition.endOf. */
    private static String endOf(long millis) {
        return dev.dynamini.store.FeedPosition.endOf(java.time.Instant.ofEpochMilli(millis));
    }

    /**
     * Query of the byChange index (keys only, so eventually consistent) of the feed collection, as a
     * feed read asks it (up to the limit + 2): every change from the start ({@code empty} false), or
     * those after its last change, none ({@code empty} true).
     */
    Load.Workload feedQuery(DynamoStats stats, boolean empty) {
        int expected = empty ? 0 : data.feedEntries().size();
        String after = empty ? endOf(data.feedQuietAt().toEpochMilli()) : "0";
        return w -> (rid, measured) -> {
            var r = client.query(q -> q.tableName(server.entries()).indexName("byChange")
                    .keyConditionExpression("#p = :p AND #fs BETWEEN :after AND :upTo")
                    .expressionAttributeNames(Map.of("#p", "pk", "#fs", "fs"))
                    .expressionAttributeValues(Map.of(":p", s(feedPartition()), ":after", s(after),
                            ":upTo", s(endOf(System.currentTimeMillis()))))
                    .limit(Math.min(data.feedEntries().size() + 2, 1001))
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            if (r.count() != expected) {
                throw new IllegalStateException("raw Query of the feed index returned " + r.count() + " keys, expected " + expected);
            }
            record(stats, measured, "Query", one(r.consumedCapacity()));
            return 200;
        };
    }

    /**
     * BatchGetItem (strongly consistent) of one share of a feed page's keys: each change's version and
     * its entry's head, {@value #BATCH_GET_KEYS} keys a request; the workers take the shares in turn.
     */
    Load.Workload feedBatchGet(DynamoStats stats) {
        String partition = feedPartition();
        List<Map<String, AttributeValue>> all = new java.util.ArrayList<>();
        for (String id : data.feedEntries()) {
            all.add(key(partition, version(id, 1)));
            all.add(key(partition, head(id)));
        }
        int batches = feedBatches(data.feedEntries().size());
        return w -> {
            int[] next = {w};
            return (rid, measured) -> {
                int batch = next[0]++ % batches;
                List<Map<String, AttributeValue>> keys = all.subList(batch * BATCH_GET_KEYS, Math.min(all.size(), (batch + 1) * BATCH_GET_KEYS));
                var r = client.batchGetItem(b -> b.requestItems(Map.of(server.entries(),
                                KeysAndAttributes.builder().consistentRead(true).keys(keys).build()))
                        .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
                if (r.responses().values().stream().mapToInt(List::size).sum() != keys.size() || !r.unprocessedKeys().isEmpty()) {
                    throw new IllegalStateException("raw BatchGetItem of a feed page did not return all " + keys.size() + " items");
                }
                record(stats, measured, "BatchGetItem", r.consumedCapacity());
                return 200;
            };
        };
    }

    // ---- writes, on the raw tables -------------------------------------------------------------

    private TransactWriteItem conditionOnCollection() {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(rawCollections)
                .key(key(collectionPartition(), head("rawcol")))
                .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#deleted)")
                .expressionAttributeNames(Map.of("#pk", "pk", "#deleted", "deletedAt"))).build();
    }

    private TransactWriteItem putHead(String table, Map<String, AttributeValue> item, long expectedVersion) {
        return TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(item);
            if (expectedVersion == 0) {
                p.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"));
            } else {
                p.conditionExpression("#version = :expected").expressionAttributeNames(Map.of("#version", "version"))
                        .expressionAttributeValues(Map.of(":expected", n(expectedVersion)));
            }
        }).build();
    }

    private TransactWriteItem putNew(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"))).build();
    }

    private TransactWriteItem claimName(String table, String partition, String name, String holder) {
        Map<String, AttributeValue> register = new HashMap<>(key(partition, "N#" + name));
        register.put("id", s(holder));
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(register)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build();
    }

    /** Like the server, every transaction carries a client request token (idempotent SDK retries). */
    private static String token() {
        return java.util.UUID.randomUUID().toString();
    }

    private String newId(String kind) {
        return "raw" + kind + run + "x" + ids.incrementAndGet();
    }

    /** Runs one transaction as the server sends it (with a client request token) and records it. */
    private void transact(DynamoStats stats, boolean measured, List<TransactWriteItem> items) {
        var r = client.transactWriteItems(t -> t.returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).clientRequestToken(token())
                .transactItems(items));
        recordTransaction(stats, measured, items, r.consumedCapacity());
    }

    /**
     * One PutItem of a new item of an entry head's size, on condition attribute_not_exists: the
     * single-item write that a change is made of once it is no longer one transaction.
     */
    Load.Workload putItem(DynamoStats stats) {
        String partition = entryPartition("rawcol");
        return w -> (rid, measured) -> {
            String id = newId("i");
            var r = client.putItem(p -> p.tableName(rawEntries).item(itemAttributes(partition, version(id, 1), 1, "i-" + id, value, false))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"))
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            record(stats, measured, "PutItem", one(r.consumedCapacity()));
            return 200;
        };
    }

    /**
     * The same PutItem of a new version item, carrying a feed position ({@code fs}) as the versions of
     * an application with a change feed do: DynamoDB writes it to the byChange index too.
     */
    Load.Workload putItemFeed(DynamoStats stats) {
        String partition = entryPartition("rawcol");
        return w -> (rid, measured) -> {
            String id = newId("f");
            Map<String, AttributeValue> item = itemAttributes(partition, version(id, 1), 1, "f-" + id, value, false);
            String stamp = Long.toString(System.currentTimeMillis());
            item.put("fs", s("0".repeat(Math.max(0, 13 - stamp.length())) + stamp + "#" + id + "#0000000001"));
            var r = client.putItem(p -> p.tableName(rawEntries).item(item)
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "pk"))
                    .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
            record(stats, measured, "PutItem", one(r.consumedCapacity()));
            return 200;
        };
    }

    /** PUT of an entry's value: new head (conditioned on the version), new version, collection live. */
    Load.Workload transactUpdate(DynamoStats stats) {
        String partition = entryPartition("rawcol");
        return w -> {
            String id = newId("u");
            client.putItem(p -> p.tableName(rawEntries).item(itemAttributes(partition, head(id), 1, "u-" + id, value, false)));
            long[] current = {1};
            return (rid, measured) -> {
                long next = current[0] + 1;
                transact(stats, measured, List.of(
                        putHead(rawEntries, itemAttributes(partition, head(id), next, "u-" + id, value, false), current[0]),
                        putNew(rawEntries, itemAttributes(partition, version(id, next), next, "u-" + id, value, false)),
                        conditionOnCollection()));
                current[0] = next;
                return 200;
            };
        };
    }

    /**
     * PUT of an entry's name (a rename): new head (conditioned on the version), new version, old name
     * released, new name claimed, collection live.
     */
    Load.Workload transactRename(DynamoStats stats) {
        String partition = entryPartition("rawcol");
        return w -> {
            String id = newId("r");
            String[] name = {"r-" + id + "-0"};
            client.putItem(p -> p.tableName(rawEntries).item(itemAttributes(partition, head(id), 1, name[0], value, false)));
            Map<String, AttributeValue> register = new HashMap<>(key(partition, "N#" + name[0]));
            register.put("id", s(id));
            client.putItem(p -> p.tableName(rawEntries).item(register));
            long[] current = {1};
            return (rid, measured) -> {
                long next = current[0] + 1;
                String newName = "r-" + id + "-" + next;
                transact(stats, measured, List.of(
                        putHead(rawEntries, itemAttributes(partition, head(id), next, newName, value, false), current[0]),
                        putNew(rawEntries, itemAttributes(partition, version(id, next), next, newName, value, false)),
                        TransactWriteItem.builder().delete(d -> d.tableName(rawEntries).key(key(partition, "N#" + name[0]))).build(),
                        claimName(rawEntries, partition, newName, id),
                        conditionOnCollection()));
                current[0] = next;
                name[0] = newName;
                return 200;
            };
        };
    }

    /** POST of a named entry: head, first version, name register, collection live. */
    Load.Workload transactCreateEntry(DynamoStats stats) {
        return createEntry(stats, "p", false);
    }

    /** The same create, answered only after the barrier that embedded mode puts behind every write. */
    Load.Workload transactCreateEntryDurable(DynamoStats stats) {
        return createEntry(stats, "b", true);
    }

    private Load.Workload createEntry(DynamoStats stats, String prefix, boolean durable) {
        String partition = entryPartition("rawcol");
        return w -> (rid, measured) -> {
            String id = newId(prefix);
            transact(stats, measured, List.of(
                    putHead(rawEntries, itemAttributes(partition, head(id), 1, prefix + "-" + id, value, false), 0),
                    putNew(rawEntries, itemAttributes(partition, version(id, 1), 1, prefix + "-" + id, value, false)),
                    claimName(rawEntries, partition, prefix + "-" + id, id),
                    conditionOnCollection()));
            if (durable) {
                barrier.awaitDurable(rawEntries, key(partition, head(id)), 1);
            }
            return 200;
        };
    }

    /** DELETE of a named entry: head and version with deletedAt, name released, collection live. */
    Load.Workload transactDeleteEntry(DynamoStats stats) {
        String partition = entryPartition("rawcol");
        return w -> {
            String id = newId("d");
            client.putItem(p -> p.tableName(rawEntries).item(itemAttributes(partition, head(id), 1, "d-" + id, value, false)));
            long[] current = {1};
            return (rid, measured) -> {
                long next = current[0] + 1;
                Map<String, AttributeValue> headItem = itemAttributes(partition, head(id), next, "d-" + id, value, false);
                headItem.put("deletedAt", n(System.currentTimeMillis()));
                Map<String, AttributeValue> versionItem = new HashMap<>(headItem);
                versionItem.put("sk", s(version(id, next)));
                transact(stats, measured, List.of(
                        putHead(rawEntries, headItem, current[0]),
                        putNew(rawEntries, versionItem),
                        TransactWriteItem.builder().delete(d -> d.tableName(rawEntries).key(key(partition, "N#d-" + id))).build(),
                        conditionOnCollection()));
                current[0] = next;
                return 200;
            };
        };
    }

    /** POST of a collection: head, first version and name register in the collections table (with its index). */
    Load.Workload transactCreateCollection(DynamoStats stats) {
        String partition = collectionPartition();
        return w -> (rid, measured) -> {
            String id = newId("c");
            transact(stats, measured, List.of(
                    putHead(rawCollections, itemAttributes(partition, head(id), 1, "c-" + id, null, true), 0),
                    putNew(rawCollections, itemAttributes(partition, version(id, 1), 1, "c-" + id, null, true)),
                    claimName(rawCollections, partition, "c-" + id, id)));
            return 200;
        };
    }
}
