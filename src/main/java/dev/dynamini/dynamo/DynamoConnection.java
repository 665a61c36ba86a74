package dev.dynamini.dynamo;

import dev.dynamini.config.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The DynamoDB that dynamini talks to: DynamoDB Local inside this JVM, persisted to one file under
 * {@code DATA_DIR} (called in-process, no socket), or a DynamoDB reached over HTTP.
 */
public final class DynamoConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoConnection.class);

    private final DynamoDbClient client;
    private final AmazonDynamoDBLocal embedded;
    private final String description;
    private final boolean owned;

    private DynamoConnection(DynamoDbClient client, AmazonDynamoDBLocal embedded, String description) {
        this(client, embedded, description, true);
    }

    private DynamoConnection(DynamoDbClient client, AmazonDynamoDBLocal embedded, String description, boolean owned) {
        this.client = client;
        this.embedded = embedded;
        this.description = description;
        this.owned = owned;
    }

    /** A client owned by someone else (a test fixture, a benchmark): closing the server leaves it open. */
    public static DynamoConnection borrowed(DynamoDbClient client, String description) {
        return new DynamoConnection(client, null, description, false);
    }

    public static DynamoConnection open(Config config) {
        return config.embedded() ? embedded(config.dataDir()) : remote(config);
    }

    /** DynamoDB Local in this JVM, its data in {@code dataDir/dynamini.db}. */
    public static DynamoConnection embedded(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new StartupException("DATA_DIR: cannot create " + dataDir.toAbsolutePath() + " (" + e.getMessage() + ")", e);
        }
        File file = dataDir.resolve("dynamini.db").toFile();
        // second argument: telemetry off (it costs start-up time and writes into the working directory)
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(file, true);
        return new DynamoConnection(local.dynamoDbClient(), local, "embedded DynamoDB Local at " + file.getAbsolutePath());
    }

    /** DynamoDB Local in this JVM keeping nothing on disk (tests, benchmarks). */
    public static DynamoConnection inMemory() {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        return new DynamoConnection(local.dynamoDbClient(), local, "embedded in-memory DynamoDB Local");
    }

    /** A client for the DynamoDB at DYNAMODB_ENDPOINT or in AWS_REGION, with bounded timeouts. */
    public static DynamoConnection remote(Config config) {
        ClientOverrideConfiguration.Builder overrides = ClientOverrideConfiguration.builder()
                .apiCallTimeout(config.dynamoTimeout())
                .apiCallAttemptTimeout(config.dynamoTimeout().dividedBy(2));
        config.retryBaseDelay().ifPresent(base -> overrides.retryStrategy(b -> b
                .backoffStrategy(BackoffStrategy.exponentialDelay(base, Duration.ofSeconds(20)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(base, Duration.ofSeconds(20)))));
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofMillis(Math.min(2000, config.dynamoTimeout().toMillis())))
                        .socketTimeout(config.dynamoTimeout())
                        .maxConnections(200)
                        .build())
                .overrideConfiguration(overrides.build())
                .region(Region.of(config.awsRegion().orElse("us-east-1")))
                .credentialsProvider(credentials(config));
        config.dynamoEndpoint().ifPresent(builder::endpointOverride);
        String where = config.dynamoEndpoint().map(e -> "DynamoDB at " + e).orElse("DynamoDB in " + config.awsRegion().orElseThrow());
        return new DynamoConnection(builder.build(), null, where);
    }

    /**
     * The SDK's default chain; but a local endpoint with no credentials configured anywhere gets
     * dummy ones, since DynamoDB Local accepts any.
     */
    private static AwsCredentialsProvider credentials(Config config) {
        boolean credentialsInEnvironment = System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null
                || System.getProperty("aws.accessKeyId") != null;
        if (config.dynamoEndpoint().isPresent() && config.awsRegion().isEmpty() && !credentialsInEnvironment) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("dynamini", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    public DynamoDbClient client() {
        return client;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public String description() {
        return description;
    }

    /** Shuts embedded DynamoDB Local down (its file is consistent afterwards); closes a remote client. */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        if (embedded != null) {
            // never close() the in-process client itself: that is not how DynamoDB Local shuts down
            embedded.shutdown();
            LOG.info("embedded DynamoDB Local shut down");
        } else {
            client.close();
        }
    }
}
