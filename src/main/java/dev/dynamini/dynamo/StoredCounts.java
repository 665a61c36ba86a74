package dev.dynamini.dynamo;

import dev.dynamini.store.Kind;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * How many items and versions each application has in one of dynamini's tables, counted by a scan
 * of the keys (paged; memory holds one page and the counts). For the import's check, which compares
 * them with what dynamodb-mini's tables make.
 */
public final class StoredCounts {
    /** Items (heads) and versions of one application. */
    public record Tally(long items, long versions) {
    }

    private final DynamoDbClient client;
    private final TableNames tables;
    private final boolean consistentRead;

    public StoredCounts(DynamoDbClient client, TableNames tables, boolean consistentRead) {
        this.client = client;
        this.tables = tables;
        this.consistentRead = consistentRead;
    }

    public Map<String, Tally> of(Kind kind) {
        Map<String, long[]> counts = new TreeMap<>();
        ScanRequest.Builder scan = ScanRequest.builder()
                .tableName(tables.of(kind))
                .consistentRead(consistentRead)
                .projectionExpression("#pk, #sk")
                .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#sk", KeyLayout.SK));
        while (true) {
            ScanResponse page = client.scan(scan.build());
            for (Map<String, AttributeValue> item : page.items()) {
                String application = KeyLayout.scopeOf(kind, item.get(KeyLayout.PK).s()).application();
                String sortKey = item.get(KeyLayout.SK).s();
                long[] count = counts.computeIfAbsent(application, a -> new long[2]);
                if (sortKey.startsWith(KeyLayout.HEAD)) {
                    count[0]++;
                } else if (sortKey.startsWith(KeyLayout.VERSION)) {
                    count[1]++;
                }
            }
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                break;
            }
            scan.exclusiveStartKey(page.lastEvaluatedKey());
        }
        Map<String, Tally> tallies = new TreeMap<>();
        counts.forEach((application, count) -> tallies.put(application, new Tally(count[0], count[1])));
        return tallies;
    }
}
