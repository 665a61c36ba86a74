package dev.dynamini.dynamo;

import dev.dynamini.config.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The DynamoDB that dynamini talks to: DynamoDB Local inside this JVM, persisted to one file under
 * {@code DATA_DIR} (called in-process, no socket), or a DynamoDB reached over HTTP.
 */
public final class DynamoConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoConnection.class);
    /** A request makes one DynamoDB call at a time: as many connections as Javalin's 250 worker threads. */
    private static final int MAX_CONNECTIONS = 250;
    /** The SDK's own defaults for DynamoDB: 4 attempts, 25 ms base delay. */
    private static final int MAX_ATTEMPTS = 4;
    private static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(25);
    private static final Duration DEFAULT_THROTTLING_BASE_DELAY = Duration.ofMillis(100);

    /** The file embedded DynamoDB Local keeps its data in, under DATA_DIR. */
    static final String DATABASE_FILE = "dynamini.db";

    private final DynamoDbClient client;
    /** Shuts embedded DynamoDB Local down; null for a DynamoDB reached over HTTP. */
    private final Runnable embedded;
    private final DataDirLock dataDirLock;
    private final CommitBarrier commitBarrier;
    private final String description;
    private final boolean owned;
    private final boolean groupsCommits;

    private DynamoConnection(DynamoDbClient client, Runnable embedded, DataDirLock dataDirLock,
                             CommitBarrier commitBarrier, String description, boolean owned, boolean groupsCommits) {
        this.client = client;
        this.embedded = embedded;
        this.dataDirLock = dataDirLock;
        this.commitBarrier = commitBarrier;
        this.description = description;
        this.owned = owned;
        this.groupsCommits = groupsCommits;
    }

    /** A client owned by someone else (a test fixture, a benchmark): closing the server leaves it open. */
    public static DynamoConnection borrowed(DynamoDbClient client, String description) {
        return borrowed(client, description, CommitBarrier.NONE);
    }

    /** The same, for a client of a connection that needs a barrier (a wrapped embedded client). */
    public static DynamoConnection borrowed(DynamoDbClient client, String description, CommitBarrier commitBarrier) {
        return borrowed(client, description, commitBarrier, false);
    }

    /** The same, saying whether concurrent puts should be committed together ({@link #groupsCommits()}). */
    public static DynamoConnection borrowed(DynamoDbClient client, String description, CommitBarrier commitBarrier, boolean groupsCommits) {
        return new DynamoConnection(client, null, null, commitBarrier, description, false, groupsCommits);
    }

    public static DynamoConnection open(Config config) {
        return config.embedded() ? embedded(config.dataDir()) : remote(config);
    }

    /**
     * DynamoDB Local in this JVM, its data in {@code dataDir/dynamini.db}, the directory locked
     * against a second process, and every acknowledged write waited for until it is on disk.
     */
    public static DynamoConnection embedded(Path dataDir) {
        DataDirLock lock = DataDirLock.acquire(dataDir);
        try {
            File file = dataDir.toAbsolutePath().normalize().resolve(DATABASE_FILE).toFile();
            EmbeddedDynamoDbLocal.Running local = startEmbedded(() -> EmbeddedDynamoDbLocal.onDisk(file));
            return new DynamoConnection(local.client(), local.shutdown(), lock, readBackBarrier(local.client()),
                    "embedded DynamoDB Local at " + file.getPath(), true, true);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** DynamoDB Local in this JVM keeping nothing on disk (tests, benchmarks): nothing to wait for. */
    public static DynamoConnection inMemory() {
        EmbeddedDynamoDbLocal.Running local = startEmbedded(EmbeddedDynamoDbLocal::inMemory);
        return new DynamoConnection(local.client(), local.shutdown(), null, CommitBarrier.NONE, "embedded in-memory DynamoDB Local", true, false);
    }

    /** Starts DynamoDB Local, or says in one line that it is not there (as in the production image). */
    private static EmbeddedDynamoDbLocal.Running startEmbedded(java.util.function.Supplier<EmbeddedDynamoDbLocal.Running> start) {
        try {
            return start.get();
        } catch (NoClassDefFoundError missing) {
            throw new StartupException("embedded mode needs DynamoDB Local, which is not on the class path"
                    + " (mvn package puts it in target/lib; images leave it out): set DYNAMODB_ENDPOINT or AWS_REGION", missing);
        }
    }

    /**
     * The barrier of embedded DynamoDB Local on disk (see {@link CommitBarrier}): a strongly
     * consistent read of the item just written, which queues behind the write's {@code COMMIT}. It
     * reads only the version number, so it stays cheap whatever the item holds.
     */
    private static CommitBarrier readBackBarrier(DynamoDbClient client) {
        return new CommitBarrier() {
            @Override
            public void awaitDurable(String table, Map<String, AttributeValue> key, long version) {
                Map<String, AttributeValue> found = client.getItem(GetItemRequest.builder()
                        .tableName(table).key(key).consistentRead(true)
                        .projectionExpression("#v").expressionAttributeNames(Map.of("#v", ItemCodec.VERSION))
                        .build()).item();
                AttributeValue stored = found == null ? null : found.get(ItemCodec.VERSION);
                if (stored == null || Long.parseLong(stored.n()) < version) {
                    throw new CommitBarrier.NotDurableException("a committed write of version " + version
                            + " was not found on disk afterwards");
                }
            }

            /**
             * BatchWriteItem and a transaction of deletes commit through the same job queue as
             * every other write, so a read of a key that never exists waits for them all.
             */
            @Override
            public void awaitAll(String table) {
                client.getItem(GetItemRequest.builder().tableName(table).consistentRead(true)
                        .key(ItemCodec.key("#barrier", "#barrier")).build());
            }
        };
    }

    /** A client for the DynamoDB at DYNAMODB_ENDPOINT or in AWS_REGION, with bounded timeouts. */
    public static DynamoConnection remote(Config config) {
        return remote(config, UnaryOperator.identity());
    }

    /**
     * The same, with the HTTP client wrapped (fault injection in tests: throttling, slowness). Every
     * setting, retries and timeouts included, stays the one the server runs with.
     */
    public static DynamoConnection remote(Config config, UnaryOperator<SdkHttpClient> wrapHttpClient) {
        Duration timeout = config.dynamoTimeout();
        ClientOverrideConfiguration.Builder overrides = ClientOverrideConfiguration.builder()
                // the whole call, retries and backoff included: no request waits on DynamoDB longer
                .apiCallTimeout(timeout)
                // one attempt may use half, so that a hung connection still leaves time for a retry
                .apiCallAttemptTimeout(timeout.dividedBy(2));
        // Retries and their backoff must end well inside the call timeout: otherwise sustained
        // throttling surfaces as a timeout (503) instead of as throttling (429), and the server holds
        // a thread for the whole timeout. Backing off longer is the client's job, told by Retry-After.
        Duration cap = timeout.dividedBy(8);
        Duration base = min(config.retryBaseDelay().orElse(DEFAULT_RETRY_BASE_DELAY), cap);
        Duration throttlingBase = min(config.retryBaseDelay().orElse(DEFAULT_THROTTLING_BASE_DELAY), cap);
        overrides.retryStrategy(b -> b
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(base, cap))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingBase, cap)));
        SdkHttpClient http = ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofMillis(Math.min(2000, timeout.toMillis())))
                .socketTimeout(timeout)
                // waiting for a pooled connection counts against the call's timeout, never beyond it
                .connectionAcquisitionTimeout(timeout)
                .maxConnections(MAX_CONNECTIONS)
                .build();
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(wrapHttpClient.apply(http))
                .overrideConfiguration(overrides.build())
                .region(Region.of(config.awsRegion().orElse("us-east-1")))
                .credentialsProvider(credentials(config));
        config.dynamoEndpoint().ifPresent(builder::endpointOverride);
        String where = config.dynamoEndpoint().map(e -> "DynamoDB at " + e)
                .orElseGet(() -> "DynamoDB in " + config.awsRegion().orElseThrow());
        // a DynamoDB at an endpoint answers only what it made durable: no barrier (docs/operations.md)
        return new DynamoConnection(builder.build(), null, null, CommitBarrier.NONE, where, true, false);
    }

    /**
     * The SDK's default chain; but an endpoint (DynamoDB Local, a compatible engine) with no
     * credentials configured anywhere gets dummy ones, since DynamoDB Local accepts any, whether or
     * not AWS_REGION is set too. "Configured" is judged without asking the chain itself, whose last
     * resort is the EC2 instance metadata service, a network call.
     */
    private static AwsCredentialsProvider credentials(Config config) {
        if (config.dynamoEndpoint().isPresent() && !credentialsConfigured()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("dynamini", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static boolean credentialsConfigured() {
        for (String variable : new String[] {"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_SHARED_CREDENTIALS_FILE"}) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        if (System.getProperty("aws.accessKeyId") != null) {
            return true;
        }
        String home = System.getProperty("user.home");
        return home != null && Files.exists(Path.of(home, ".aws", "credentials"));
    }

    /**
     * One line for a start-up that failed on DynamoDB: the SDK's own message for missing credentials
     * is a dump of every provider it tried.
     */
    public static String explainStartupFailure(Config config, RuntimeException failure) {
        boolean noCredentials = failure instanceof SdkClientException && failure.getMessage() != null
                && failure.getMessage().startsWith("Unable to load credentials");
        if (noCredentials) {
            return (config.dynamoEndpoint().isEmpty() && config.awsRegion().isPresent()
                    ? "AWS_REGION=" + config.awsRegion().get() + " selects real DynamoDB"
                    : "DynamoDB at DYNAMODB_ENDPOINT needs credentials")
                    + ", but no AWS credentials were found (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance or task role);"
                    + " set them, or unset AWS_REGION and DYNAMODB_ENDPOINT to run with embedded DynamoDB Local";
        }
        return failure.getMessage();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public DynamoDbClient client() {
        return client;
    }

    /** What a write must wait for before it is answered (nothing, except for embedded DynamoDB Local on disk). */
    public CommitBarrier commitBarrier() {
        return commitBarrier;
    }

    /**
     * Whether single-item puts made at the same time should be committed together
     * ({@link GroupCommit}): only for embedded DynamoDB Local on disk, where each commit syncs a file
     * and nothing is billed. Real DynamoDB bills a transaction twice per item.
     */
    public boolean groupsCommits() {
        return groupsCommits;
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
            try {
                embedded.run();
                LOG.info("embedded DynamoDB Local shut down");
            } finally {
                if (dataDirLock != null) {
                    dataDirLock.close();
                }
            }
        } else {
            client.close();
        }
    }
}
