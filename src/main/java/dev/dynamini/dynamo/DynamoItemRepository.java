package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;
import static dev.dynamini.dynamo.ItemCodec.n;
import static dev.dynamini.dynamo.ItemCodec.s;

import dev.dynamini.store.Change;
import dev.dynamini.store.CommitAllRejectedException;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.CommitRejectedException;
import dev.dynamini.store.CommitRejectedException.Reason;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.ItemRepository;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Order;
import dev.dynamini.store.Position;
import dev.dynamini.store.Purged;
import dev.dynamini.store.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** {@link ItemRepository} on two DynamoDB tables, laid out as {@link KeyLayout} describes. */
public final class DynamoItemRepository implements ItemRepository {
    /** The most items one Query asks for. */
    private static final int MAX_REQUEST_ITEMS = 1000;
    /** What one Query of a whole listing aims to return, in bytes of items. */
    private static final long REQUEST_BYTES = 1 << 20;
    /** Items the first Query of a whole listing asks for, before their size is known: few, as items may be large. */
    private static final int FIRST_REQUEST_ITEMS = 32;
    /** Keys one Query of a purge reads: a purge holds one such page, whatever the partition holds. */
    static final int PURGE_PAGE_KEYS = 500;
    /** TransactWriteItems' limit. */
    static final int MAX_TRANSACTION_ITEMS = 100;
    /** BatchGetItem's limit. */
    private static final int BATCH_GET_KEYS = 100;
    /** BatchWriteItem's limit. */
    private static final int BATCH_KEYS = 25;
    /** Rounds of a batch's unprocessed keys before the purge gives up as throttled (it can be repeated). */
    private static final int BATCH_ATTEMPTS = 10;

    /** How long a name claim may wait for its version before another claimer may fence it off. */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(1);

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final boolean consistentRead;
    private final CommitBarrier commitBarrier;
    private final CommitProtocol protocol;
    /** Tells which versions have expired (retention): reads hide them from their expiry on. */
    private final Clock clock;

    public DynamoItemRepository(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead, CommitBarrier commitBarrier) {
        this(dynamo, tables, consistentRead, commitBarrier, Clock.systemUTC());
    }

    public DynamoItemRepository(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead, CommitBarrier commitBarrier, Clock clock) {
        this(dynamo, tables, consistentRead, commitBarrier, clock, CLAIM_GRACE, CommitProtocol.Probe.NONE);
    }

    DynamoItemRepository(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead, CommitBarrier commitBarrier,
            Clock clock, Duration claimGrace, CommitProtocol.Probe probe) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.consistentRead = consistentRead;
        this.commitBarrier = commitBarrier;
        this.clock = clock;
        this.protocol = new CommitProtocol(dynamo, tables, commitBarrier, clock, claimGrace, probe);
    }

    // ---- single items ---------------------------------------------------------------------------

    @Override
    public Optional<Item> head(ItemKey key) {
        return get(key.kind(), KeyLayout.head(key.id()), key.scope());
    }

    /**
     * A committed version: the head and the version slot in one request, as a version the head has
     * not reached is pending. An expired version (retention) reads as missing, whether or not TTL
     * has deleted it yet.
     */
    @Override
    public Optional<Item> version(ItemKey key, long version) {
        String partition = KeyLayout.partition(key.scope());
        Map<String, Map<String, AttributeValue>> found = batchGet(key.kind(),
                List.of(key(partition, KeyLayout.head(key.id())), key(partition, KeyLayout.version(key.id(), version))));
        Map<String, AttributeValue> head = found.get(KeyLayout.head(key.id()));
        Map<String, AttributeValue> slot = found.get(KeyLayout.version(key.id(), version));
        if (head == null || slot == null || ItemCodec.fenced(slot) || ItemCodec.expired(slot, clock.instant())
                || Long.parseLong(head.get(ItemCodec.VERSION).n()) < version) {
            return Optional.empty();
        }
        return Optional.of(ItemCodec.decode(key.kind(), slot));
    }

    /** Items of one table by key, in as many requests as DynamoDB needs, keyed by sort key. */
    private Map<String, Map<String, AttributeValue>> batchGet(Kind kind, List<Map<String, AttributeValue>> keys) {
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

    private Optional<Item> get(Kind kind, String sortKey, Scope scope) {
        return raw(kind, sortKey, scope).map(found -> ItemCodec.decode(kind, found));
    }

    private Optional<Map<String, AttributeValue>> raw(Kind kind, String sortKey, Scope scope) {
        Map<String, AttributeValue> found = dynamo.getItem(GetItemRequest.builder()
                .tableName(tables.of(kind))
                .key(key(KeyLayout.partition(scope), sortKey))
                .consistentRead(consistentRead).build()).item();
        return found == null || found.isEmpty() ? Optional.empty() : Optional.of(found);
    }

    @Override
    public Map<ItemKey, Item> headsOf(Collection<ItemKey> keys) {
        Map<ItemKey, Stored> wanted = new LinkedHashMap<>();
        keys.forEach(key -> wanted.put(key, new Stored(tables.of(key.kind()), KeyLayout.partition(key.scope()), KeyLayout.head(key.id()))));
        Map<Stored, Map<String, AttributeValue>> read = getAll(wanted.values(), consistentRead);
        Map<ItemKey, Item> found = new HashMap<>();
        wanted.forEach((key, stored) -> {
            Map<String, AttributeValue> item = read.get(stored);
            if (item != null) {
                found.put(key, ItemCodec.decode(key.kind(), item));
            }
        });
        return found;
    }

    /** Where an item is stored: its table and key. */
    private record Stored(String table, String partition, String sortKey) {
        static Stored of(String table, Map<String, AttributeValue> item) {
            return new Stored(table, item.get(KeyLayout.PK).s(), item.get(KeyLayout.SK).s());
        }
    }

    /**
     * Items of either table, each asked for once, 100 keys a BatchGetItem (one request for a
     * batch's heads or registers); those found, by where they are.
     */
    private Map<Stored, Map<String, AttributeValue>> getAll(Collection<Stored> keys, boolean consistent) {
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

    @Override
    public Optional<String> nameHolder(Scope scope, String name) {
        Map<String, AttributeValue> found = dynamo.getItem(GetItemRequest.builder()
                .tableName(tables.of(scope.kind()))
                .key(key(KeyLayout.partition(scope), KeyLayout.name(name)))
                .consistentRead(consistentRead).build()).item();
        return found == null || found.isEmpty() ? Optional.empty() : Optional.of(found.get(ItemCodec.HOLDER).s());
    }

    // ---- listings -------------------------------------------------------------------------------

    @Override
    public Iterator<List<Item>> heads(Scope scope, Position after, int limit, boolean liveOnly) {
        QueryRequest.Builder query = scope.wholeApplication()
                ? applicationQuery(scope, KeyLayout.HEAD, after == null ? null : KeyLayout.head(after.id()), after)
                : partitionQuery(scope, KeyLayout.HEAD, after == null ? null : KeyLayout.head(after.id()));
        if (liveOnly) {
            Map<String, String> names = new HashMap<>(query.build().expressionAttributeNames());
            names.put("#deleted", ItemCodec.DELETED_AT);
            query.filterExpression("attribute_not_exists(#deleted)").expressionAttributeNames(names);
        }
        return pages(scope.kind(), query, limit);
    }

    /**
     * Committed versions only: each page's items are checked against their heads (one BatchGetItem
     * per page), and versions the head has not reached, pending ones, are left out.
     */
    @Override
    public Iterator<List<Item>> versionsInScope(Scope scope, Position after, int limit) {
        String start = after == null ? null : KeyLayout.version(after.id(), after.version());
        QueryRequest.Builder query = scope.wholeApplication()
                ? applicationQuery(scope, KeyLayout.VERSION, start, after)
                : partitionQuery(scope, KeyLayout.VERSION, start);
        Iterator<List<Item>> pages = pages(scope.kind(), visibleVersions(query), limit, true);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pages.hasNext();
            }

            @Override
            public List<Item> next() {
                return committed(pages.next());
            }
        };
    }

    private List<Item> committed(List<Item> versions) {
        Map<ItemKey, Long> newest = new HashMap<>();
        for (Item version : versions) {
            newest.merge(version.key(), version.version(), Math::max);
        }
        if (newest.isEmpty()) {
            return versions;
        }
        Map<Scope, List<ItemKey>> byScope = new HashMap<>();
        newest.keySet().forEach(key -> byScope.computeIfAbsent(key.scope(), s -> new ArrayList<>()).add(key));
        Map<ItemKey, Long> heads = new HashMap<>();
        for (Map.Entry<Scope, List<ItemKey>> scope : byScope.entrySet()) {
            String partition = KeyLayout.partition(scope.getKey());
            List<Map<String, AttributeValue>> keys = scope.getValue().stream().map(k -> key(partition, KeyLayout.head(k.id()))).toList();
            Kind kind = scope.getKey().kind();
            batchGet(kind, keys).values().forEach(head -> heads.put(
                    KeyLayout.itemOf(kind, partition, head.get(KeyLayout.SK).s()), Long.parseLong(head.get(ItemCodec.VERSION).n())));
        }
        return versions.stream().filter(version -> version.version() <= heads.getOrDefault(version.key(), 0L)).toList();
    }

    /** Committed versions only: read up to the head, which costs one GetItem first. */
    @Override
    public Iterator<List<Item>> versionsOf(ItemKey key, Position after, int limit, Order order) {
        long first = 1;
        long last = head(key).map(Item::version).orElse(0L);
        if (after != null) {
            // the range itself resumes: a start key outside a key condition is an error to DynamoDB
            first = order == Order.ASC ? Math.max(first, after.version() + 1) : first;
            last = order == Order.ASC ? last : Math.min(last, after.version() - 1);
        }
        if (first > last) {
            return List.<List<Item>>of().iterator();
        }
        String partition = KeyLayout.partition(key.scope());
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tables.of(key.kind()))
                .consistentRead(consistentRead)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :first AND :last")
                .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#sk", KeyLayout.SK))
                .expressionAttributeValues(Map.of(":pk", s(partition),
                        ":first", s(KeyLayout.version(key.id(), first)), ":last", s(KeyLayout.version(key.id(), last))))
                .scanIndexForward(order == Order.ASC);
        return pages(key.kind(), visibleVersions(query), limit, true);
    }

    /**
     * Leaves out what is no version: slots fenced off by the commit protocol, and versions that
     * retention let expire, at or before now (DynamoDB's TTL deletes them only later, days later on
     * DynamoDB, and until then they must not be seen). They are read (and cost read units) but not
     * returned.
     */
    private QueryRequest.Builder visibleVersions(QueryRequest.Builder query) {
        QueryRequest built = query.build();
        Map<String, String> names = new HashMap<>(built.expressionAttributeNames());
        names.put("#fenced", ItemCodec.FENCED);
        names.put("#expires", ItemCodec.EXPIRES_AT);
        Map<String, AttributeValue> values = new HashMap<>(built.expressionAttributeValues());
        values.put(":now", n(clock.instant().getEpochSecond()));
        return query.filterExpression("attribute_not_exists(#fenced) AND (attribute_not_exists(#expires) OR #expires > :now)")
                .expressionAttributeNames(names).expressionAttributeValues(values);
    }

    /** The scope's partition, sort keys starting with {@code prefix}, resuming after {@code start}. */
    private QueryRequest.Builder partitionQuery(Scope scope, String prefix, String start) {
        String partition = KeyLayout.partition(scope);
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tables.of(scope.kind()))
                .consistentRead(consistentRead)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#sk", KeyLayout.SK))
                .expressionAttributeValues(Map.of(":pk", s(partition), ":prefix", s(prefix)));
        if (start != null) {
            query.exclusiveStartKey(key(partition, start));
        }
        return query;
    }

    /**
     * All of an application's collections, through the {@code byApplication} index. Index reads
     * are eventually consistent (DynamoDB offers nothing else on a global index).
     */
    private QueryRequest.Builder applicationQuery(Scope scope, String prefix, String start, Position after) {
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tables.collections())
                .indexName(KeyLayout.BY_APPLICATION)
                .keyConditionExpression("#app = :app AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#app", KeyLayout.APP, "#sk", KeyLayout.SK))
                .expressionAttributeValues(Map.of(":app", s(scope.application()), ":prefix", s(prefix)));
        if (start != null) {
            if (after.user() == null) {
                throw new InvalidInputException("cursor is not valid for this listing");
            }
            Map<String, AttributeValue> startKey = new HashMap<>();
            startKey.put(KeyLayout.APP, s(scope.application()));
            startKey.put(KeyLayout.SK, s(start));
            startKey.put(KeyLayout.PK, s(scope.application() + "#" + after.user()));
            query.exclusiveStartKey(startKey);
        }
        return query;
    }

    /**
     * The query's pages, one request per {@code next()}: never cut at DynamoDB's 1 MB, and never
     * asking for more items than {@code limit} leaves. Items are decoded here, a page at a time.
     *
     * <p>A whole listing asks for about {@link #REQUEST_BYTES} of items per request, DynamoDB's own
     * page size, judged by the size of the items the last request returned. That bound matters on
     * DynamoDB Local, the embedded default: it reads every match of a query into memory before it
     * cuts the answer at 1 MB, so a query without a Limit would need memory in proportion to the
     * whole partition.
     */
    private Iterator<List<Item>> pages(Kind kind, QueryRequest.Builder query, int limit) {
        return pages(kind, query, limit, false);
    }

    /**
     * {@code growPastDropped}: after a request whose filter dropped items (expired versions, which
     * come first in ascending order), the next one asks for twice as many, up to
     * {@link #MAX_REQUEST_ITEMS}, even past what remains: a page is then filled in a few requests,
     * not one per handful of expired versions. Items past the limit are cut by the caller.
     */
    private Iterator<List<Item>> pages(Kind kind, QueryRequest.Builder query, int limit, boolean growPastDropped) {
        return new Iterator<>() {
            private int read;
            private boolean ended;
            private int nextRequestItems = FIRST_REQUEST_ITEMS;
            private int asked;

            @Override
            public boolean hasNext() {
                return !ended && read < limit;
            }

            @Override
            public List<Item> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int wanted = limit == ItemRepository.EVERYTHING ? nextRequestItems : Math.min(limit - read, MAX_REQUEST_ITEMS);
                asked = growPastDropped && asked > 0 ? Math.max(wanted, Math.min(MAX_REQUEST_ITEMS, asked * 2)) : wanted;
                query.limit(asked);
                QueryResponse page = dynamo.query(query.build());
                boolean dropped = page.scannedCount() != null && page.count() != null && page.scannedCount() > page.count();
                if (!dropped) {
                    asked = 0;
                }
                List<Item> items = new ArrayList<>(page.items().size());
                long bytes = 0;
                for (Map<String, AttributeValue> found : page.items()) {
                    items.add(ItemCodec.decode(kind, found));
                    bytes += ItemCodec.approximateBytes(found);
                }
                if (!items.isEmpty()) {
                    nextRequestItems = (int) Math.max(1, Math.min(MAX_REQUEST_ITEMS, REQUEST_BYTES * items.size() / Math.max(1, bytes)));
                }
                read += items.size();
                if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                    query.exclusiveStartKey(page.lastEvaluatedKey());
                } else {
                    ended = true;
                }
                return items;
            }
        };
    }

    // ---- writes ---------------------------------------------------------------------------------

    /** The commit protocol of docs/storage.md: see {@link CommitProtocol}. */
    @Override
    public void commit(Change change) {
        protocol.commit(change);
    }

    // ---- batches: one transaction ------------------------------------------------------------

    /**
     * All the changes in one TransactWriteItems (docs/storage.md, "A batch: one transaction"):
     * each change's items as {@link CommitProtocol} writes a single change's (its name claim, its
     * version item, its head), with no pending state between them, and a check that each
     * collection whose entries change is live. The registers of the names claimed are read first
     * (one BatchGetItem) and judged by {@link CommitProtocol#claimInTransaction}; names given up
     * are released lazily, as by single changes: no register is deleted. A rejection names the
     * change (its index in the list) whose judgement or condition failed.
     */
    @Override
    public void commitAll(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        int items = transactionItems(changes);
        if (items > MAX_TRANSACTION_ITEMS) {
            throw new InvalidInputException("the batch needs " + items + " DynamoDB transaction items, more than the "
                    + MAX_TRANSACTION_ITEMS + " of one transaction (a change writes 2 or 3: its head, its version and the register of a"
                    + " name it claims; each collection whose entries change is checked once; an implicit collection adds 3):"
                    + " send it as smaller batches");
        }
        String token = CommitProtocol.newToken();
        Map<Stored, Map<String, AttributeValue>> registers = getAll(changes.stream()
                .filter(change -> change.claimName() != null).map(this::claimedRegister).toList(), true);
        Transaction transaction = new Transaction();
        // name -> the item an earlier change takes off it
        Map<Stored, String> passed = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            transaction.change = i;
            try {
                writesOf(change, token, registers, passed, transaction);
            } catch (CommitRejectedException judged) {
                throw new CommitAllRejectedException(i, judged);
            }
            if (change.releaseName() != null) {
                Stored released = register(change.next().key(), change.releaseName());
                passed.put(released, change.next().key().id());
            }
        }
        try {
            transact(transaction);
        } catch (TransactionCanceledException cancelled) {
            Rejection rejection = rejection(cancelled, transaction.reasons);
            rollForwardStalled(cancelled, transaction);
            throw new CommitAllRejectedException(transaction.changeAt.get(rejection.position()), rejection.exception());
        }
        // one read suffices: embedded, every table's COMMIT goes through the same queue
        awaitDurable(changes.get(changes.size() - 1));
    }

    /** How many items the transaction of these changes holds: 2 or 3 a change, and one check per collection. */
    private static int transactionItems(List<Change> changes) {
        Set<ItemKey> checked = new HashSet<>();
        int items = 0;
        for (Change change : changes) {
            items += 2 + (change.claimName() != null ? 1 : 0);
            if (change.liveParent() != null && checked.add(change.liveParent())) {
                items++;
            }
        }
        return items;
    }

    private Stored claimedRegister(Change change) {
        return register(change.next().key(), change.claimName());
    }

    private Stored register(ItemKey key, String name) {
        return new Stored(tables.of(key.kind()), KeyLayout.partition(key.scope()), KeyLayout.name(name));
    }

    /**
     * The transaction items of one change: the name claimed (judged against the register read),
     * the version item and the head (on condition of the version it was computed from), and for an
     * entry the check that its collection is live (once per collection in a transaction).
     */
    private void writesOf(Change change, String token, Map<Stored, Map<String, AttributeValue>> registers, Map<Stored, String> passed,
            Transaction transaction) {
        Item next = change.next();
        Kind kind = next.key().kind();
        if (change.claimName() != null) {
            Stored register = claimedRegister(change);
            // a register changed between the judgement and the transaction: look again
            transaction.add(TransactWriteItem.builder().put(protocol.claimInTransaction(next.key(), change.claimName(), next.version(), token,
                    registers.getOrDefault(register, Map.of()), passed.get(register))).build(), Reason.CONFLICT);
        }

        transaction.addVersion(TransactWriteItem.builder().put(protocol.versionInTransaction(next, token)).build(), kind);

        Put.Builder head = Put.builder().tableName(tables.of(kind)).item(ItemCodec.head(next));
        if (change.previous() == null) {
            head.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", KeyLayout.PK));
        } else {
            head.conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", ItemCodec.VERSION))
                    .expressionAttributeValues(Map.of(":expected", n(change.previous().version())));
        }
        transaction.add(TransactWriteItem.builder().put(head.build()).build(), Reason.ITEM_CHANGED);

        if (change.liveParent() != null && transaction.checkedParents.add(change.liveParent())) {
            ItemKey parent = change.liveParent();
            transaction.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                    .tableName(tables.collections())
                    .key(key(KeyLayout.partition(parent.scope()), KeyLayout.head(parent.id())))
                    .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#deleted)")
                    .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#deleted", ItemCodec.DELETED_AT))
                    .build()).build(), Reason.PARENT_NOT_LIVE);
        }
    }

    /** Version slots that another writer filled: its change is finished if it stalled, so the batch's next look does not meet the same slot. */
    private void rollForwardStalled(TransactionCanceledException cancelled, Transaction transaction) {
        if (!cancelled.hasCancellationReasons()) {
            return;
        }
        List<CancellationReason> reasons = cancelled.cancellationReasons();
        for (int i = 0; i < reasons.size() && i < transaction.writes.size(); i++) {
            Kind slot = transaction.versionKinds.get(i);
            Map<String, AttributeValue> there = reasons.get(i).item();
            if (slot != null && "ConditionalCheckFailed".equals(reasons.get(i).code()) && there != null && !there.isEmpty()) {
                protocol.slotTakenInTransaction(slot, there);
            }
        }
    }

    private void transact(Transaction transaction) {
        // the token makes the SDK's own retries of this call idempotent: if a first attempt
        // landed but its answer was lost, the retry succeeds instead of failing its conditions
        // (which would make the store write the change a second time)
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(transaction.writes)
                .clientRequestToken(UUID.randomUUID().toString())
                .build());
    }

    /** Only now may the batch be answered: a 2xx means durable. */
    private void awaitDurable(Change change) {
        ItemKey key = change.next().key();
        commitBarrier.awaitDurable(tables.of(key.kind()), key(KeyLayout.partition(key.scope()), KeyLayout.head(key.id())), change.next().version());
    }

    /** The items of one TransactWriteItems, what a failed condition of each means, and the change each belongs to. */
    private static final class Transaction {
        final List<TransactWriteItem> writes = new ArrayList<>();
        final List<Reason> reasons = new ArrayList<>();
        final List<Integer> changeAt = new ArrayList<>();
        /** By position: the kind of the version item there, null for other items. */
        final List<Kind> versionKinds = new ArrayList<>();
        /** Collections already checked live in this transaction: DynamoDB refuses two operations on one item. */
        final Set<ItemKey> checkedParents = new HashSet<>();
        /** The change whose items are being added. */
        int change;

        void add(TransactWriteItem write, Reason reason) {
            writes.add(write);
            reasons.add(reason);
            changeAt.add(change);
            versionKinds.add(null);
        }

        void addVersion(TransactWriteItem write, Kind kind) {
            add(write, Reason.ITEM_CHANGED);
            versionKinds.set(versionKinds.size() - 1, kind);
        }
    }

    // ---- retention ------------------------------------------------------------------------------

    /**
     * One UpdateItem of the version item, on condition that it exists and is not a deleting version:
     * a version purged meanwhile is not created again as a stub, and deletes are never let go. Not
     * followed by a {@link CommitBarrier}: losing a mark in a crash only keeps the version longer.
     */
    @Override
    public boolean expire(ItemKey key, long version, Instant at) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(tables.of(key.kind()))
                    .key(key(KeyLayout.partition(key.scope()), KeyLayout.version(key.id(), version)))
                    .updateExpression("SET #expires = :at")
                    .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#deleted)")
                    .expressionAttributeNames(Map.of("#expires", ItemCodec.EXPIRES_AT, "#pk", KeyLayout.PK, "#deleted", ItemCodec.DELETED_AT))
                    .expressionAttributeValues(Map.of(":at", n(at.getEpochSecond())))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException missingOrDelete) {
            return false;
        }
    }

    // ---- erasure --------------------------------------------------------------------------------

    @Override
    public long purgeVersions(ItemKey key) {
        return sweep(key.scope(), KeyLayout.versionsOf(key.id())).versions();
    }

    @Override
    public Purged purgeScope(Scope scope) {
        return sweep(scope, null);
    }

    @Override
    public boolean purgeHead(Item head) {
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
            rejection(cancelled, List.of(Reason.ITEM_CHANGED, Reason.ITEM_CHANGED));
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

    /** A cancelled transaction's verdict, and the position of the item whose condition decided it (-1 for a conflict). */
    private record Rejection(CommitRejectedException exception, int position) {
    }

    /**
     * Which condition failed decides the answer: a missing parent wins (404), then a changed head
     * or a filled version slot (re-read), then a taken name (409), then a register changed since
     * it was judged (look again); among equals, the first item. A conflict with a concurrent
     * transaction is retried; anything else (throttling) is not a rejection and goes up as it came.
     */
    private static Rejection rejection(TransactionCanceledException cancelled, List<Reason> reasonAt) {
        List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
        Reason worst = null;
        int position = -1;
        int conflictAt = -1;
        for (int i = 0; i < reasons.size() && i < reasonAt.size(); i++) {
            String code = reasons.get(i).code();
            if ("ConditionalCheckFailed".equals(code)) {
                Reason reason = reasonAt.get(i);
                if (worst == null || reason.ordinal() > worst.ordinal()) {
                    worst = reason;
                    position = i;
                }
            } else if ("TransactionConflict".equals(code)) {
                conflictAt = conflictAt < 0 ? i : conflictAt;
            } else if (code != null && !"None".equals(code)) {
                // throttling or a validation error: not a race, so not retried here; the HTTP
                // layer answers it (429 for throttling)
                throw cancelled;
            }
        }
        if (worst == null) {
            if (conflictAt >= 0) {
                return new Rejection(new CommitRejectedException(Reason.CONFLICT, null), conflictAt);
            }
            throw cancelled;
        }
        String holder = null;
        Map<String, AttributeValue> old = reasons.get(position).item();
        if (worst == Reason.NAME_TAKEN && old != null && old.containsKey(ItemCodec.HOLDER)) {
            holder = old.get(ItemCodec.HOLDER).s();
        }
        return new Rejection(new CommitRejectedException(worst, holder), position);
    }
}
