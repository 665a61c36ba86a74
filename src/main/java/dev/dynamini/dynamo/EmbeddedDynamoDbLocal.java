package dev.dynamini.dynamo;

import java.io.File;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The only class that names DynamoDB Local's own types. DynamoDB Local's licence does not let us
 * ship it, so the production image leaves its jar out: the JVM loads this class, and through it
 * DynamoDB Local, only when embedded mode is chosen, so a missing jar fails embedded mode alone
 * (with {@link NoClassDefFoundError}, which {@link DynamoConnection} turns into a start-up error).
 */
final class EmbeddedDynamoDbLocal {
    /** A running DynamoDB Local: its in-process client, and how to shut it down. */
    record Running(DynamoDbClient client, Runnable shutdown) {
    }

    private EmbeddedDynamoDbLocal() {
    }

    static Running onDisk(File file) {
        // second argument: telemetry off (it costs start-up time and writes into the working directory)
        return running(() -> DynamoDBEmbedded.create(file, true));
    }

    static Running inMemory() {
        return running(() -> DynamoDBEmbedded.create(true));
    }

    private interface Starter {
        AmazonDynamoDBLocal start();
    }

    private static Running running(Starter starter) {
        AmazonDynamoDBLocal local = starter.start();
        // never close() the in-process client: that is not how DynamoDB Local shuts down
        return new Running(local.dynamoDbClient(), local::shutdown);
    }
}
