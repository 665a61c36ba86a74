package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;
import static dev.dynamini.dynamo.ItemCodec.n;
import static dev.dynamini.dynamo.ItemCodec.s;

import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.ItemRepository;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Order;
import dev.dynamini.store.Position;
import dev.dynamini.store.Scope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Listings of heads and versions, a Query per page: of one partition, or of a whole application
 * through its index. Only committed versions that have not expired or been fenced off are listed,
 * so that callers page through what readers may see.
 */
final class Listings {
    /** The most items one Query asks for. */
    private static final int MAX_REQUEST_ITEMS = 1000;
    /** What one Query of a whole listing aims to return, in bytes of items. */
    private static final long REQUEST_BYTES = 1 << 20;
    /** Items the first Query of a whole listing asks for, before their size is known: few, as items may be large. */
    private static final int FIRST_REQUEST_ITEMS = 32;

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final boolean consistentRead;
    private final BatchReads reads;
    /** Tells which versions have expired (retention): listings hide them from their expiry on. */
    private final Clock clock;

    Listings(MeteredDynamoDb dynamo, TableNames tables, boolean consistentRead, BatchReads reads, Clock clock) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.consistentRead = consistentRead;
        this.reads = reads;
        this.clock = clock;
    }

    Iterator<List<Item>> heads(Scope scope, Position after, int limit, boolean liveOnly) {
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
    Iterator<List<Item>> versionsInScope(Scope scope, Position after, int limit) {
        String start = after == null ? null : KeyLayout.version(after.id(), after.version());
        QueryRequest.Builder query = scope.wholeApplication()
                ? applicationQuery(scope, KeyLayout.VERSION, start, after)
                : partitionQuery(scope, KeyLayout.VERSION, start);
        Iterator<List<Item>> pages = pages(scope.kind(), visibleVersions(query), limit, true);
        return new Iterator<>() {
                    public boolean hasNext() {
                return pages.hasNext();
            }

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
            reads.batchGet(kind, keys).values().forEach(head -> heads.put(
                    KeyLayout.itemOf(kind, partition, head.get(KeyLayout.SK).s()), Long.parseLong(head.get(ItemCodec.VERSION).n())));
        }
        return versions.stream().filter(version -> version.version() <= heads.getOrDefault(version.key(), 0L)).toList();
    }

    /** Committed versions only: read up to {@code head}, the version the item's head is at (0: none). */
    Iterator<List<Item>> versionsOf(ItemKey key, long head, Position after, int limit, Order order) {
        long first = 1;
        long last = head;
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

                    public boolean hasNext() {
                return !ended && read < limit;
            }

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
}
