package dev.dynamini.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Reads dynamodb-mini's tables, only ever reading. Scans page through DynamoDB's 1 MB pages and hand
 * over one item's versions at a time, so memory holds one page and one item's history, never the
 * table.
 *
 * <p>A scan returns the items of one partition key together and in sort key order (that is how
 * DynamoDB stores them, and DynamoDB Local does the same), and every version key of one item shares
 * its prefix; so an item's versions arrive one after the other. Should that ever not hold, the
 * second part of an item would not match what the first part wrote, and the import reports it
 * instead of writing it.
 */
final class OldTables {
    private final DynamoDbClient client;
    private final ImportSettings tables;
    private final boolean consistentRead;
    /** Items per scan page; 0: DynamoDB's own 1 MB pages (tests set it to cross many page boundaries). */
    private final int pageItems;

    OldTables(DynamoDbClient client, ImportSettings tables, boolean consistentRead, int pageItems) {
        this.client = client;
        this.tables = tables;
        this.consistentRead = consistentRead;
        this.pageItems = pageItems;
    }

    /** Both tables exist with dynamodb-mini's key schema; otherwise says what is wrong. */
    void verify() throws ImportFailure {
        verify(tables.oldCollections(), ImportSettings.OLD_COLLECTIONS, OldLayout.APPLICATION, OldLayout.USER_COLLECTION_VERSION);
        verify(tables.oldEntries(), ImportSettings.OLD_ENTRIES, OldLayout.USER_COLLECTION, OldLayout.ENTRY_VERSION);
    }

    private void verify(String table, String variable, String hash, String range) throws ImportFailure {
        TableDescription description;
        try {
            description = client.describeTable(r -> r.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            throw new ImportFailure(variable + ": there is no table " + table + " to import from");
        }
        List<KeySchemaElement> expected = List.of(
                KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build());
        if (!expected.equals(description.keySchema())) {
            throw new ImportFailure(variable + ": table " + table + " has the key schema "
                    + description.keySchema().stream().map(k -> k.attributeName() + " (" + k.keyTypeAsString() + ")").toList()
                    + ", not dynamodb-mini's " + hash + " (HASH) + " + range + " (RANGE)");
        }
    }

    /** Every collection, one at a time, each with all of its versions. */
    void eachCollection(Consumer<OldItem> action) {
        scanGroups(tables.oldCollections(),
                item -> item.get(OldLayout.APPLICATION).s() + '\n' + OldLayout.withoutStamp(item.get(OldLayout.USER_COLLECTION_VERSION).s()),
                group -> action.accept(OldItem.collection(group)));
    }

    /** Every entry, one at a time, each with all of its versions. */
    void eachEntry(Consumer<OldItem> action) {
        scanGroups(tables.oldEntries(),
                item -> item.get(OldLayout.USER_COLLECTION).s() + '\n' + OldLayout.withoutStamp(item.get(OldLayout.ENTRY_VERSION).s()),
                group -> action.accept(OldItem.entry(group)));
    }

    /** The versions of one collection of one application (none if it has no such collection). */
    List<Map<String, AttributeValue>> collectionVersions(String application, String user, String collection) {
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tables.oldCollections())
                .consistentRead(consistentRead)
                .keyConditionExpression("#app = :app AND begins_with(#key, :prefix)")
                .expressionAttributeNames(Map.of("#app", OldLayout.APPLICATION, "#key", OldLayout.USER_COLLECTION_VERSION))
                .expressionAttributeValues(Map.of(
                        ":app", AttributeValue.fromS(application),
                        ":prefix", AttributeValue.fromS(OldLayout.collectionPrefix(user, collection))));
        if (pageItems > 0) {
            query.limit(pageItems);
        }
        List<Map<String, AttributeValue>> versions = new ArrayList<>();
        while (true) {
            QueryResponse page = client.query(query.build());
            versions.addAll(page.items());
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                return versions;
            }
            query.exclusiveStartKey(page.lastEvaluatedKey());
        }
    }

    /** Pages through the table and hands over runs of consecutive items that share a group key. */
    private void scanGroups(String table, Function<Map<String, AttributeValue>, String> groupKey,
                            Consumer<List<Map<String, AttributeValue>>> action) {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table).consistentRead(consistentRead);
        if (pageItems > 0) {
            scan.limit(pageItems);
        }
        List<Map<String, AttributeValue>> group = new ArrayList<>();
        String current = null;
        while (true) {
            ScanResponse page = client.scan(scan.build());
            for (Map<String, AttributeValue> item : page.items()) {
                String key = groupKey.apply(item);
                if (current != null && !current.equals(key)) {
                    action.accept(group);
                    group = new ArrayList<>();
                }
                current = key;
                group.add(item);
            }
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                break;
            }
            scan.exclusiveStartKey(page.lastEvaluatedKey());
        }
        if (!group.isEmpty()) {
            action.accept(group);
        }
    }
}
