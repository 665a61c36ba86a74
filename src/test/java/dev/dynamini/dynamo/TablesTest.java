package dev.dynamini.dynamo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.SharedDynamoLocal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;

/** Table creation and the start-up check of existing tables, on DynamoDB Local. */
class TablesTest {
    private final DynamoDbClient client = SharedDynamoLocal.client();

    @Test
    void createsMissingTablesAndAcceptsThemOnTheNextStart() {
        TableNames names = new TableNames("tables-test.c", "tables-test.e");
        new Tables(client, names, Optional.empty(), Optional.empty()).ensure();
        Tables again = new Tables(client, names, Optional.empty(), Optional.empty());
        assertDoesNotThrow(again::ensure);
        assertTrue(again.ready());
    }

    @Test
    void provisionedCapacityWhenConfigured() {
        TableNames names = new TableNames("tables-test.pc", "tables-test.pe");
        new Tables(client, names, Optional.of(3L), Optional.of(4L)).ensure();
        var table = client.describeTable(r -> r.tableName("tables-test.pe")).table();
        assertTrue(table.provisionedThroughput().readCapacityUnits() == 3L && table.provisionedThroughput().writeCapacityUnits() == 4L);
    }

    @Test
    void aTableWithAnotherKeySchemaStopsStartUp() {
        client.createTable(r -> r.tableName("tables-test.wrong")
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        StartupException e = assertThrows(StartupException.class,
                () -> new Tables(client, new TableNames("tables-test.ok", "tables-test.wrong"), Optional.empty(), Optional.empty()).ensure());
        assertTrue(e.getMessage().contains("tables-test.wrong") && e.getMessage().contains("TABLE_NAME_ENTRIES"), e.getMessage());
    }

    @Test
    void aCollectionsTableWithoutTheApplicationIndexStopsStartUp() {
        client.createTable(r -> r.tableName("tables-test.noindex")
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        StartupException e = assertThrows(StartupException.class,
                () -> new Tables(client, new TableNames("tables-test.noindex", "tables-test.e2"), Optional.empty(), Optional.empty()).ensure());
        assertTrue(e.getMessage().contains("byApplication"), e.getMessage());
    }

    @Test
    void tablesMadeBeforeTheOptionalIndexesGetThemAtStartUp() {
        // a DynamoDB Local of its own: the shared one runs a TTL job per table of the suite on the
        // 10 threads it also builds indexes on, so an index added there may never be built
        var local = DynamoDBEmbedded.create(true);
        DynamoDbClient client = local.dynamoDbClient();
        try {
            tablesMadeBeforeTheOptionalIndexesGetThem(client);
        } finally {
            local.shutdown();
        }
    }

    private static void tablesMadeBeforeTheOptionalIndexesGetThem(DynamoDbClient client) {
        // as the first release made them: the collections table with byApplication only, entries without index
        client.createTable(r -> r.tableName("tables-test.old-c")
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("app").attributeType(ScalarAttributeType.S))
                .globalSecondaryIndexes(g -> g.indexName("byApplication")
                        .keySchema(k -> k.attributeName("app").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL)))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        client.createTable(r -> r.tableName("tables-test.old-e")
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        new Tables(client, new TableNames("tables-test.old-c", "tables-test.old-e"), Optional.empty(), Optional.empty()).ensure();
        assertEquals(java.util.Set.of("byApplication", "byChange", "byApplicationChange", "byItemTime"), indexes(client, "tables-test.old-c"));
        assertEquals(java.util.Set.of("byChange", "byItemTime"), indexes(client, "tables-test.old-e"));
        assertDoesNotThrow(new Tables(client, new TableNames("tables-test.old-c", "tables-test.old-e"), Optional.empty(), Optional.empty())::ensure);
    }

    private static java.util.Set<String> indexes(DynamoDbClient client, String table) {
        return client.describeTable(r -> r.tableName(table)).table().globalSecondaryIndexes().stream()
                .map(i -> i.indexName()).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void timeToLiveIsTurnedOnForRetentionAndTurningItOnAgainIsNothingToDo() {
        TableNames names = new TableNames("tables-test.ttl-c", "tables-test.ttl-e");
        Tables tables = new Tables(client, names, Optional.empty(), Optional.empty());
        tables.ensure();
        tables.ensureTimeToLive();
        assertEquals(Optional.of("expiresAt"), tables.timeToLiveAttribute("tables-test.ttl-c"));
        assertEquals(Optional.of("expiresAt"), tables.timeToLiveAttribute("tables-test.ttl-e"));
        assertDoesNotThrow(tables::ensureTimeToLive, "already on: a restart, or another instance");
        assertDoesNotThrow(new Tables(client, names, Optional.empty(), Optional.empty())::ensureTimeToLive);
    }

    @Test
    void timeToLiveOnAnotherAttributeStopsStartUp() {
        TableNames names = new TableNames("tables-test.ttl2-c", "tables-test.ttl2-e");
        Tables tables = new Tables(client, names, Optional.empty(), Optional.empty());
        tables.ensure();
        client.updateTimeToLive(r -> r.tableName("tables-test.ttl2-e").timeToLiveSpecification(t -> t.attributeName("deleteMe").enabled(true)));
        StartupException e = assertThrows(StartupException.class, tables::ensureTimeToLive);
        assertTrue(e.getMessage().contains("tables-test.ttl2-e") && e.getMessage().contains("TABLE_NAME_ENTRIES")
                && e.getMessage().contains("deleteMe") && e.getMessage().contains("expiresAt"), e.getMessage());
    }
}
