package dev.dynamini;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import dev.dynamini.dynamo.DynamoConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, wires the server, and stops it gracefully on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Config config;
        ApiKeys keys;
        try {
            config = Config.fromEnvironment();
            keys = ApiKeys.load(config);
        } catch (ConfigException e) {
            System.err.println("dynamini: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logging.configure(config.debug());
        Logger log = LoggerFactory.getLogger(Main.class); // after configure: it sets the levels
        DynamoConnection dynamo = null;
        try {
            dynamo = DynamoConnection.open(config);
            Dynamini server = Dynamini.start(config, keys, dynamo, entry -> { });
            // SIGTERM and SIGINT run the JVM's shutdown hooks; request threads keep running meanwhile
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("shutting down: no new connections; requests in flight get up to {} ms (SHUTDOWN_GRACE_MS)",
                        config.shutdownGrace().toMillis());
                server.close();
                log.info("stopped");
            }, "dynamini-shutdown"));
        } catch (RuntimeException e) { // StartupException, or DynamoDB out of reach
            System.err.println("dynamini: cannot start: " + DynamoConnection.explainStartupFailure(config, e));
            if (dynamo != null) {
                dynamo.close();
            }
            // DynamoDB Local leaves non-daemon threads behind: exit explicitly
            System.exit(1);
        }
    }
}
