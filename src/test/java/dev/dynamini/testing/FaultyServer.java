package dev.dynamini.testing;

import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server on a DynamoDB Local endpoint whose SDK HTTP client is wrapped in a
 * {@link FaultyHttpClient}: every client setting (retries, backoff, timeouts) stays the one the
 * server runs with; only DynamoDB's answers are forged or held.
 */
public record FaultyServer(TestServer server, FaultyHttpClient faulty) {
    /** {@code env}: a DynamoDB Local endpoint's, as {@link DynamoLocalServer#env(int)} gives it. */
    public static FaultyServer start(Map<String, String> env) {
        AtomicReference<FaultyHttpClient> faulty = new AtomicReference<>();
        DynamoConnection connection = DynamoConnection.remote(Config.from(env), http -> {
            faulty.set(new FaultyHttpClient(http));
            return faulty.get();
        });
        return new FaultyServer(TestServer.startOwning(env, connection), faulty.get());
    }
}
