package dev.dynamini.testing;

import dev.dynamini.Dynamini;
import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.http.RequestRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real server on a free port, on the shared DynamoDB Local with tables of its own. Keys:
 * {@link #KEY_A} (application "app-a"), {@link #KEY_A2} (a second key of app-a), {@link #KEY_A_READ}
 * (read-only, app-a) and {@link #KEY_B} (application "app-b").
 */
public final class TestServer implements AutoCloseable {
    public static final String KEY_A = "key-a-0123456789";
    public static final String KEY_A2 = "key-a-rotated-0123";
    public static final String KEY_A_READ = "key-a-readonly-01";
    public static final String KEY_B = "key-b-0123456789";
    public static final String API_KEYS = "["
            + "{\"application\":\"app-a\",\"key\":\"" + KEY_A + "\"},"
            + "{\"application\":\"app-a\",\"key\":\"" + KEY_A2 + "\"},"
            + "{\"application\":\"app-a\",\"key\":\"" + KEY_A_READ + "\",\"access\":\"read\"},"
            + "{\"application\":\"app-b\",\"key\":\"" + KEY_B + "\"}]";
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final Dynamini server;
    private final List<RequestRecord> requests = new CopyOnWriteArrayList<>();

    private TestServer(Map<String, String> env, DynamoConnection dynamo) {
        Config config = Config.from(env);
        this.server = Dynamini.start(config, ApiKeys.load(config), dynamo, requests::add);
    }

    /** A server on the shared in-memory DynamoDB Local, with fresh tables. */
    public static TestServer start() {
        return start(Map.of());
    }

    /** The same, with extra environment variables (e.g. MAX_BODY_BYTES). */
    public static TestServer start(Map<String, String> extraEnv) {
        return start(extraEnv, SharedDynamoLocal.client());
    }

    public static TestServer start(Map<String, String> extraEnv, DynamoDbClient client) {
        Map<String, String> env = new HashMap<>(freshTables());
        env.putAll(extraEnv);
        return new TestServer(env, DynamoConnection.borrowed(client, "shared test DynamoDB Local"));
    }

    /**
     * A server on the shared in-memory DynamoDB Local whose concurrent puts are committed together,
     * as embedded on disk ({@link DynamoConnection#groupsCommits()}), with fresh tables.
     */
    public static TestServer startGroupCommitting(DynamoDbClient client) {
        return new TestServer(freshTables(), DynamoConnection.borrowed(client, "shared test DynamoDB Local, commits grouped",
                dev.dynamini.dynamo.CommitBarrier.NONE, true));
    }

    /** Starts on a connection the server will own (and close). */
    public static TestServer startOwning(Map<String, String> env, DynamoConnection dynamo) {
        return new TestServer(env, dynamo);
    }

    /** PORT=0 (any free port), the test keys, and table names no other server uses. */
    public static Map<String, String> freshTables() {
        int n = TABLES.incrementAndGet();
        String prefix = "t" + ProcessHandle.current().pid() + "-" + n;
        return Map.of("PORT", "0", "API_KEYS", API_KEYS,
                "TABLE_NAME_COLLECTIONS", prefix + ".collections", "TABLE_NAME_ENTRIES", prefix + ".entries");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A client without a key. */
    public Http http() {
        return new Http(baseUrl());
    }

    /** A client of application app-a. */
    public Http appA() {
        return http().with("x-api-key", KEY_A);
    }

    public Http appB() {
        return http().with("x-api-key", KEY_B);
    }

    /** Requests served so far, with the DynamoDB usage of each. */
    public List<RequestRecord> requests() {
        return requests;
    }

    /** The record of the most recent request (by completion). */
    public RequestRecord lastRequest() {
        return requests.get(requests.size() - 1);
    }

    public Dynamini server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
