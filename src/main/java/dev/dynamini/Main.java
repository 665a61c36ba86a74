package dev.dynamini;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.migrate.ImportCommand;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the environment, wires the server, and stops it gracefully on SIGTERM; or, with
 * {@code import-dynamodb-mini} as first argument, runs that command and exits with its status.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(command(args));
            return;
        }
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

    /** A command instead of the server: the same settings, its own exit status. */
    private static int command(String[] args) {
        if (!args[0].equals(ImportCommand.NAME)) {
            System.err.println("dynamini: unknown command '" + args[0] + "'; run without arguments to start the server, or: "
                    + ImportCommand.USAGE);
            return 2;
        }
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println(ImportCommand.NAME + ": " + e.getMessage());
            return 2;
        }
        Logging.configure(config.debug());
        List<String> rest = List.of(args).subList(1, args.length);
        return new ImportCommand(System.out, DynamoConnection::open).run(rest, config, System.getenv());
    }
}
