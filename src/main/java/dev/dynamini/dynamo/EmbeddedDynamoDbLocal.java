package dev.dynamini.dynamo;

import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteException;
import com.almworks.sqlite4java.SQLiteStatement;
import java.io.File;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;
import software.amazon.dynamodb.services.local.shared.access.sqlite.SQLiteLibraryLoader;

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

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDynamoDbLocal.class);
    /**
     * sqlite4java logs every connection it opens at INFO through java.util.logging; DynamoDB Local
     * quiets it once it starts, and ours opens before. Held here: JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger SQLITE_LOG = java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

    static Running onDisk(File file) {
        useWriteAheadLog(file);
        // second argument: telemetry off (it costs start-up time and writes into the working directory)
        return running(() -> DynamoDBEmbedded.create(file, true));
    }

    /**
     * Puts the database file in SQLite's write-ahead-log mode before DynamoDB Local opens it.
     * DynamoDB Local sets no journal mode, so SQLite's default applies: a rollback journal, which
     * syncs the journal and the database file on every commit. In WAL mode a commit appends to the
     * log and syncs that one file ({@code synchronous=FULL} stays the default), so a commit is as
     * durable as before and about 1.5 times as many of them fit in a second on this kind of disk
     * (docs/performance.md). The mode is stored in the file, so DynamoDB Local's own connections
     * use it; a new file also gets 4 KiB pages instead of this SQLite's 1 KiB.
     */
    private static void useWriteAheadLog(File file) {
        SQLITE_LOG.setLevel(java.util.logging.Level.WARNING);
        try {
            SQLiteLibraryLoader.initialize();
            SQLiteConnection connection = new SQLiteConnection(file);
            try {
                connection.open(true);
                // a DynamoDB Local of this JVM that was just shut down may still be closing the file
                connection.setBusyTimeout(10_000);
                connection.exec("PRAGMA page_size=4096"); // a no-op once the file holds tables
                SQLiteStatement statement = connection.prepare("PRAGMA journal_mode=WAL");
                try {
                    statement.step();
                    String mode = statement.columnString(0);
                    if (!"wal".equalsIgnoreCase(mode)) {
                        LOG.warn("{} stays in journal mode {} (no write-ahead log on this file system):"
                                + " writes are as durable, and slower", file, mode);
                    }
                } finally {
                    statement.dispose();
                }
            } finally {
                connection.dispose();
            }
        } catch (SQLiteException e) {
            throw new StartupException("cannot open " + file + " as a SQLite database: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StartupException("cannot load SQLite for embedded DynamoDB Local: " + e.getMessage(), e);
        }
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
