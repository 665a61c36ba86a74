package dev.dynamini.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * One in-memory DynamoDB Local per test JVM, started on first use. Test servers isolate themselves
 * with tables of their own, so classes never see each other's data.
 */
public final class SharedDynamoLocal {
    private static AmazonDynamoDBLocal local;

    private SharedDynamoLocal() {
    }

    public static synchronized DynamoDbClient client() {
        if (local == null) {
            local = DynamoDBEmbedded.create(true);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> local.shutdown()));
        }
        return local.dynamoDbClient();
    }
}
