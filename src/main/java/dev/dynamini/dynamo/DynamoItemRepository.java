package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;
import static dev.dynamini.dynamo.ItemCodec.n;

import dev.dynamini.store.Change;
import dev.dynamini.store.ChangePage;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link ItemRepository} on two DynamoDB tables, laid out as {@link KeyLayout} describes. Single
 * items are read here; the rest is wired to the class that does it: {@link Listings} pages through
 * heads and versions, {@link CommitProtocol} writes one change, {@link BatchTransaction} a batch,
 * and {@link Sweeper} erases.
 */
public final class DynamoItemRepository implements ItemRepository {
    /** How long a name claim may wait for its version before another claimer may fence it off. */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(1);

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final boolean consistentRead;
    private final CommitProtocol protocol;
    private final BatchReads reads;
    private final Listings listings;
    private final BatchTransaction batches;
    private final Sweeper sweeper;
    private final FeedReads feed;
    private final IndexedApplications indexed;
    /** Tells which versions have expired (retention): reads hide them from their expiry on. */
    private final Clock clock;

    /** {@code indexed}: the applications whose changes go into the change feed's, or the time, index. */
    public DynamoItemRepository(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead, CommitBarrier commitBarrier,
            IndexedApplications indexed) {
        this(dynamo, tables, consistentRead, commitBarrier, Clock.systemUTC(), CLAIM_GRACE, CommitProtocol.Probe.NONE, indexed);
    }

    DynamoItemRepository(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead, CommitBarrier commitBarrier,
            Clock clock, Duration claimGrace, CommitProtocol.Probe probe, IndexedApplications indexed) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.consistentRead = consistentRead;
        this.clock = clock;
        this.protocol = new CommitProtocol(dynamo, tables, commitBarrier, clock, claimGrace, probe, indexed);
        this.indexed = indexed;
        this.reads = new BatchReads(dynamo, tables, consistentRead);
        this.listings = new Listings(dynamo, tables, consistentRead, reads, clock);
        this.batches = new BatchTransaction(dynamo, tables, commitBarrier, protocol, reads);
        this.sweeper = new Sweeper(dynamo, tables, commitBarrier);
        this.feed = new FeedReads(dynamo, tables, reads, protocol, clock);
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
        Map<String, Map<String, AttributeValue>> found = reads.batchGet(key.kind(),
                List.of(key(partition, KeyLayout.head(key.id())), key(partition, KeyLayout.version(key.id(), version))));
        Map<String, AttributeValue> head = found.get(KeyLayout.head(key.id()));
        Map<String, AttributeValue> slot = found.get(KeyLayout.version(key.id(), version));
        if (head == null || slot == null || ItemCodec.fenced(slot) || ItemCodec.expired(slot, clock.instant())
                || Long.parseLong(head.get(ItemCodec.VERSION).n()) < version) {
            return Optional.empty();
        }
        return Optional.of(ItemCodec.decode(key.kind(), slot));
    }

    /** One BatchGetItem of the version slots (the head is the caller's: it bounds what is committed). */
    @Override
    public Map<Long, Item> versionsBetween(Item head, long from, long to) {
        ItemKey key = head.key();
        String partition = KeyLayout.partition(key.scope());
        List<Map<String, AttributeValue>> keys = new java.util.ArrayList<>();
        for (long n = Math.max(1, from); n <= Math.min(to, head.version()); n++) {
            keys.add(key(partition, KeyLayout.version(key.id(), n)));
        }
        Map<Long, Item> found = new HashMap<>();
        Instant now = clock.instant();
        reads.batchGet(key.kind(), keys).values().forEach(slot -> {
            if (!ItemCodec.fenced(slot) && !ItemCodec.expired(slot, now)) {
                Item version = ItemCodec.decode(key.kind(), slot);
                found.put(version.version(), version);
            }
        });
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
        Map<Stored, Map<String, AttributeValue>> read = reads.getAll(wanted.values(), consistentRead);
        Map<ItemKey, Item> found = new HashMap<>();
        wanted.forEach((key, stored) -> {
            Map<String, AttributeValue> item = read.get(stored);
            if (item != null) {
                found.put(key, ItemCodec.decode(key.kind(), item));
            }
        });
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
        return listings.heads(scope, after, limit, liveOnly);
    }

    /** Committed versions only: see {@link Listings#versionsInScope}. */
    @Override
    public Iterator<List<Item>> versionsInScope(Scope scope, Position after, int limit) {
        return listings.versionsInScope(scope, after, limit);
    }

    @Override
    public Iterator<List<Item>> versionsOf(Item head, Position after, int limit, Order order) {
        return listings.versionsOf(head.key(), head.version(), after, limit, order);
    }

    /** The feed indexes: see {@link FeedReads}. */
    @Override
    public ChangePage changes(Scope scope, String after, String upTo, int limit) {
        return feed.changes(scope, after, upTo, limit);
    }

    /**
     * One Query of {@code byItemTime}, newest first, limit 1: the item's latest version stamped at or
     * before {@code then}, among those indexed (the application's versions since it turned
     * {@code asOfIndex} on); empty for an application without that index.
     */
    @Override
    public OptionalLong versionNumberAt(ItemKey key, Instant then) {
        if (!indexed.asOf().contains(key.scope().application())) {
            return OptionalLong.empty();
        }
        List<Map<String, AttributeValue>> found = dynamo.query(QueryRequest.builder()
                .tableName(tables.of(key.kind()))
                .indexName(KeyLayout.BY_ITEM_TIME)
                .keyConditionExpression("#item = :item AND #time <= :then")
                .expressionAttributeNames(Map.of("#item", KeyLayout.ITEM, "#time", KeyLayout.ITEM_TIME))
                .expressionAttributeValues(Map.of(":item", ItemCodec.s(KeyLayout.item(key)),
                        ":then", ItemCodec.s(KeyLayout.itemTimeEndOf(then))))
                .scanIndexForward(false)
                .limit(1)
                .build()).items();
        if (found.isEmpty()) {
            return OptionalLong.empty();
        }
        String sortKey = found.get(0).get(KeyLayout.SK).s();
        return OptionalLong.of(Long.parseLong(sortKey.substring(sortKey.lastIndexOf('#') + 1)));
    }

    // ---- writes ---------------------------------------------------------------------------------

    /** The commit protocol of docs/storage.md: see {@link CommitProtocol}. */
    @Override
    public void commit(Change change) {
        protocol.commit(change);
    }

    // ---- batches: one transaction ------------------------------------------------------------

    /** All the changes in one TransactWriteItems: see {@link BatchTransaction#commitAll}. */
    @Override
    public void commitAll(List<Change> changes) {
        batches.commitAll(changes);
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
        return sweeper.purgeVersions(key);
    }

    @Override
    public Purged purgeScope(Scope scope) {
        return sweeper.purgeScope(scope);
    }

    @Override
    public boolean purgeHead(Item head) {
        return sweeper.purgeHead(head);
    }
}
