package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.s;

import dev.dynamini.store.ChangePage;
import dev.dynamini.store.Item;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads of the change feed indexes (docs/storage.md, "The change feed"): the keys of a scope's
 * versions by feed position from {@code byChange} (or, for all of an application's collections,
 * from each of its buckets in {@code byApplicationChange}, merged), then the versions themselves and
 * their items' heads in strongly consistent BatchGetItems. A version above its head is pending: its
 * commit record is written, so it is rolled forward, as any later writer of the item would.
 */
final class FeedReads {
    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final BatchReads reads;
    private final CommitProtocol protocol;
    private final Clock clock;

    FeedReads(MeteredDynamoDb dynamo, TableNames tables, BatchReads reads, CommitProtocol protocol, Clock clock) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.reads = reads;
        this.protocol = protocol;
        this.clock = clock;
    }

    ChangePage changes(Scope scope, String after, String upTo, int limit) {
        List<Map<String, AttributeValue>> keys = scope.wholeApplication()
                ? merged(scope, after, upTo, limit + 1)
                : query(scope.kind(), KeyLayout.BY_CHANGE, KeyLayout.PK, KeyLayout.partition(scope), after, upTo, limit + 1);
        boolean more = keys.size() > limit;
        if (more) {
            keys = keys.subList(0, limit);
        }
        if (keys.isEmpty()) {
            return new ChangePage(List.of(), after, false);
        }
        List<Stored> wanted = new ArrayList<>();
        String table = tables.of(scope.kind());
        for (Map<String, AttributeValue> key : keys) {
            String sortKey = key.get(KeyLayout.SK).s();
            wanted.add(new Stored(table, key.get(KeyLayout.PK).s(), sortKey));
            wanted.add(new Stored(table, key.get(KeyLayout.PK).s(), headOf(sortKey)));
        }
        Map<Stored, Map<String, AttributeValue>> found = reads.getAll(wanted, true);
        Instant now = clock.instant();
        List<Item> changes = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Map<String, AttributeValue> version = found.get(wanted.get(2 * i));
            Map<String, AttributeValue> head = found.get(wanted.get(2 * i + 1));
            if (version == null || head == null || ItemCodec.fenced(version) || ItemCodec.expired(version, now)) {
                continue; // purged, or let go by retention since it was indexed
            }
            Item item = ItemCodec.decode(scope.kind(), version);
            if (Long.parseLong(head.get(ItemCodec.VERSION).n()) < item.version()) {
                protocol.rollForwardForReader(item);
            }
            changes.add(item);
        }
        return new ChangePage(changes, keys.get(keys.size() - 1).get(KeyLayout.FEED_POSITION).s(), more);
    }

    /** An application's collection feed: each bucket read to the same bound, merged by position. */
    private List<Map<String, AttributeValue>> merged(Scope scope, String after, String upTo, int limit) {
        Comparator<Map<String, AttributeValue>> byPosition = Comparator.comparing(key -> key.get(KeyLayout.FEED_POSITION).s());
        PriorityQueue<Map<String, AttributeValue>> all = new PriorityQueue<>(byPosition);
        for (int bucket = 0; bucket < KeyLayout.FEED_BUCKETS; bucket++) {
            all.addAll(query(Kind.COLLECTION, KeyLayout.BY_APPLICATION_CHANGE, KeyLayout.FEED_BUCKET,
                    scope.application() + "#" + bucket, after, upTo, limit));
        }
        List<Map<String, AttributeValue>> first = new ArrayList<>(Math.min(limit, all.size()));
        while (!all.isEmpty() && first.size() < limit) {
            first.add(all.poll());
        }
        return first;
    }

    /** Up to {@code limit} keys of one index partition after {@code after}, up to {@code upTo}: one Query. */
    private List<Map<String, AttributeValue>> query(Kind kind, String index, String partitionAttribute, String partition,
            String after, String upTo, int limit) {
        // BETWEEN is inclusive: one more, and the position equal to after dropped
        List<Map<String, AttributeValue>> items = dynamo.query(QueryRequest.builder()
                .tableName(tables.of(kind))
                .indexName(index)
                .keyConditionExpression("#p = :p AND #fs BETWEEN :after AND :upTo")
                .expressionAttributeNames(Map.of("#p", partitionAttribute, "#fs", KeyLayout.FEED_POSITION))
                .expressionAttributeValues(Map.of(":p", s(partition), ":after", s(after), ":upTo", s(upTo)))
                .limit(Math.min(limit + 1, 1001))
                .build()).items();
        List<Map<String, AttributeValue>> keys = new ArrayList<>(items.size());
        for (Map<String, AttributeValue> item : items) {
            if (!item.get(KeyLayout.FEED_POSITION).s().equals(after) && keys.size() < limit) {
                keys.add(item);
            }
        }
        return keys;
    }

    /** The head's sort key of the item whose version this is ({@code V#<id>#<n>} → {@code H#<id>}). */
    private static String headOf(String versionSortKey) {
        int end = versionSortKey.lastIndexOf('#');
        return KeyLayout.head(versionSortKey.substring(KeyLayout.VERSION.length(), end));
    }
}
