package dev.dynamini.dynamo;

import static dev.dynamini.testing.InterceptedDynamoDb.intercepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Concurrently;
import dev.dynamini.testing.SharedDynamoLocal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Group commit on DynamoDB Local: puts made at the same time go as one transaction, and each keeps
 * the outcome it would have had alone (written, or refused by its own condition with the item).
 */
class GroupCommitTest {
    private static final String TABLE = "group-commit-" + ProcessHandle.current().pid();
    private static final AtomicInteger TRANSACTIONS = new AtomicInteger();
    private static final AtomicInteger PUTS = new AtomicInteger();
    private static DynamoDbClient counted;

    @BeforeAll
    static void table() {
        DynamoDbClient local = SharedDynamoLocal.client();
        local.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName(KeyLayout.PK).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(KeyLayout.SK).keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(KeyLayout.PK).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(KeyLayout.SK).attributeType(ScalarAttributeType.S).build()));
        // counts what reaches DynamoDB Local
        counted = intercepted(local, method -> {
            if (method.equals("transactWriteItems")) {
                TRANSACTIONS.incrementAndGet();
            } else if (method.equals("putItem")) {
                PUTS.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void dropTable() {
        SharedDynamoLocal.client().deleteTable(b -> b.tableName(TABLE));
    }

    private static PutItemRequest putIfAbsent(String pk, String sk, String value) {
        return PutItemRequest.builder().tableName(TABLE)
                .item(Map.of(KeyLayout.PK, AttributeValue.fromS(pk), KeyLayout.SK, AttributeValue.fromS(sk), "v", AttributeValue.fromS(value)))
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", KeyLayout.PK))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static String valueOf(String pk, String sk) {
        Map<String, AttributeValue> item = SharedDynamoLocal.client().getItem(b -> b.tableName(TABLE).consistentRead(true)
                .key(Map.of(KeyLayout.PK, AttributeValue.fromS(pk), KeyLayout.SK, AttributeValue.fromS(sk)))).item();
        return item == null || item.isEmpty() ? null : item.get("v").s();
    }

    @Test
    void concurrentPutsGoTogetherAndEachKeepsItsOwnOutcome() throws Exception {
        // every third item exists already: its put must fail alone, with the item found, and must not
        // take the puts grouped with it down
        for (int i = 0; i < 300; i += 3) {
            SharedDynamoLocal.client().putItem(putIfAbsent("outcome", "item-" + i, "there before"));
        }
        int transactionsBefore = TRANSACTIONS.get();
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        try (GroupCommit group = new GroupCommit(counted)) {
            Concurrently.together(16, () -> {
                for (int i; (i = next.getAndIncrement()) < 300; ) {
                    try {
                        group.putItem(putIfAbsent("outcome", "item-" + i, "written " + i));
                        outcomes.put("item-" + i, "written");
                    } catch (ConditionalCheckFailedException refused) {
                        outcomes.put("item-" + i, "refused: " + (refused.hasItem() ? refused.item().get("v").s() : "no item"));
                    }
                }
                return null;
            });
        }
        for (int i = 0; i < 300; i++) {
            boolean existed = i % 3 == 0;
            assertEquals(existed ? "refused: there before" : "written", outcomes.get("item-" + i), "item-" + i);
            assertEquals(existed ? "there before" : "written " + i, valueOf("outcome", "item-" + i), "item-" + i);
        }
        assertTrue(TRANSACTIONS.get() > transactionsBefore, "16 threads' puts never went together");
    }

    @Test
    void concurrentConditionalUpdatesOfOneItemLoseNothing() throws Exception {
        // read-modify-write of one counter by 8 threads: puts of one item never share a transaction,
        // and each put that reports success was written on the value it read
        SharedDynamoLocal.client().putItem(PutItemRequest.builder().tableName(TABLE)
                .item(Map.of(KeyLayout.PK, AttributeValue.fromS("counter"), KeyLayout.SK, AttributeValue.fromS("c"), "n", AttributeValue.fromN("0")))
                .build());
        AtomicInteger succeeded = new AtomicInteger();
        try (GroupCommit group = new GroupCommit(counted)) {
            Concurrently.together(8, () -> {
                for (int done = 0; done < 25; ) {
                    int n = Integer.parseInt(SharedDynamoLocal.client().getItem(b -> b.tableName(TABLE).consistentRead(true)
                            .key(Map.of(KeyLayout.PK, AttributeValue.fromS("counter"), KeyLayout.SK, AttributeValue.fromS("c")))).item().get("n").n());
                    try {
                        group.putItem(PutItemRequest.builder().tableName(TABLE)
                                .item(Map.of(KeyLayout.PK, AttributeValue.fromS("counter"), KeyLayout.SK, AttributeValue.fromS("c"),
                                        "n", AttributeValue.fromN(Integer.toString(n + 1))))
                                .conditionExpression("#n = :n").expressionAttributeNames(Map.of("#n", "n"))
                                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(n))))
                                .build());
                        succeeded.incrementAndGet();
                        done++;
                    } catch (ConditionalCheckFailedException lost) {
                        // another thread moved it first: read again
                    }
                }
                return null;
            });
        }
        assertEquals(200, succeeded.get());
        assertEquals("200", SharedDynamoLocal.client().getItem(b -> b.tableName(TABLE).consistentRead(true)
                .key(Map.of(KeyLayout.PK, AttributeValue.fromS("counter"), KeyLayout.SK, AttributeValue.fromS("c")))).item().get("n").n());
    }

    @Test
    void aLonePutIsSentAsItselfAndPutsAfterCloseStillWork() {
        GroupCommit group = new GroupCommit(counted);
        int transactionsBefore = TRANSACTIONS.get();
        int putsBefore = PUTS.get();
        group.putItem(putIfAbsent("alone", "a", "one"));
        assertEquals(transactionsBefore, TRANSACTIONS.get());
        assertEquals(putsBefore + 1, PUTS.get());
        group.close();
        group.putItem(putIfAbsent("alone", "b", "after close"));
        assertEquals("after close", valueOf("alone", "b"));
    }
}
