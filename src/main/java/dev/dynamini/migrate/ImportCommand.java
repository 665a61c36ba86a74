package dev.dynamini.migrate;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.dynamo.DynamoItemRepository;
import dev.dynamini.dynamo.DynamoObserver;
import dev.dynamini.dynamo.IndexedApplications;
import dev.dynamini.dynamo.MeteredDynamoDb;
import dev.dynamini.dynamo.StartupException;
import dev.dynamini.dynamo.StoredCounts;
import dev.dynamini.dynamo.TableNames;
import dev.dynamini.dynamo.Tables;
import dev.dynamini.store.ImportedVersions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code import-dynamodb-mini [--dry-run | --check]}: copies dynamodb-mini's tables into dynamini's
 * (docs/migration.md). Configured like the server (which DynamoDB, dynamini's table names) plus
 * OLD_TABLE_NAME_COLLECTIONS and OLD_TABLE_NAME_ENTRIES. Exit status: 0 done (skipped items are
 * listed), 1 stopped or, with --check, a difference, 2 bad arguments or settings.
 */
public final class ImportCommand {
    public static final String NAME = "import-dynamodb-mini";
    public static final String USAGE = "usage: java -jar dynamini.jar " + NAME + " [--dry-run | --check]";

    /**
     * Knobs for tests.
     *
     * @param scanPageItems items per scan page; 0: DynamoDB's own 1 MB pages
     * @param firstThrottlePause the first pause when DynamoDB throttles (it doubles each time)
     */
    record Tuning(int scanPageItems, Duration firstThrottlePause) {
        static final Tuning DEFAULT = new Tuning(0, Duration.ofMillis(500));
    }

    private final PrintStream out;
    private final Function<Config, DynamoConnection> connect;
    private final Tuning tuning;

    /** {@code connect} opens the DynamoDB the settings name ({@code DynamoConnection::open}). */
    public ImportCommand(PrintStream out, Function<Config, DynamoConnection> connect) {
        this(out, connect, Tuning.DEFAULT);
    }

    ImportCommand(PrintStream out, Function<Config, DynamoConnection> connect, Tuning tuning) {
        this.out = out;
        this.connect = connect;
        this.tuning = tuning;
    }

    /** Runs the command; {@code config} is the server's settings read from {@code env}. */
    public int run(List<String> args, Config config, Map<String, String> env) {
        Mode mode;
        ImportSettings settings;
        try {
            mode = Mode.parse(args);
            settings = ImportSettings.from(env, config);
        } catch (IllegalArgumentException e) {
            out.println(NAME + ": " + e.getMessage());
            out.println(USAGE);
            return 2;
        } catch (ConfigException e) {
            out.println(NAME + ": " + e.getMessage());
            return 2;
        }
        TableNames target = new TableNames(config.collectionsTable(), config.entriesTable());
        DynamoConnection dynamo;
        try {
            dynamo = connect.apply(config);
        } catch (RuntimeException e) {
            out.println(NAME + ": cannot reach DynamoDB: " + e.getMessage());
            return 1;
        }
        try {
            out.println(NAME + " (" + mode.describe() + ")");
            out.println("  reads  dynamodb-mini's tables " + settings.oldCollections() + " (OLD_TABLE_NAME_COLLECTIONS) and "
                    + settings.oldEntries() + " (OLD_TABLE_NAME_ENTRIES)");
            out.println("  " + (mode == Mode.IMPORT ? "writes" : "reads ") + " dynamini's tables " + target.collections()
                    + " (TABLE_NAME_COLLECTIONS) and " + target.entries() + " (TABLE_NAME_ENTRIES)");
            out.println("  on " + dynamo.description() + (mode == Mode.IMPORT ? ", " + settings.threads() + " writing threads (IMPORT_THREADS)" : ""));
            return run(mode, settings, config, target, dynamo);
        } catch (ImportFailure | StartupException e) {
            out.println(NAME + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // every version is its own atomic write, so what is written is whole: a rerun resumes
            out.println(NAME + ": stopped by " + (e instanceof SdkException ? "a DynamoDB error" : "an error") + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). Every version written so far is complete; run the same command again to finish.");
            return 1;
        } finally {
            dynamo.close();
        }
    }

    /**
     * The applications whose imported versions go into the optional indexes (the change feed's, the
     * time index of as-of reads): as the server's API keys say, when they can be read here; else none.
     */
    private IndexedApplications indexedApplications(Config config) {
        try {
            ApiKeys keys = ApiKeys.load(config);
            IndexedApplications indexed = new IndexedApplications(keys.feedApplications(), keys.asOfIndexApplications());
            if (!indexed.feed().isEmpty() || !indexed.asOf().isEmpty()) {
                out.println("  indexed as the API keys say: change feed " + indexed.feed() + ", asOf " + indexed.asOf());
            }
            return indexed;
        } catch (ConfigException unreadable) {
            out.println("  no API keys read (" + unreadable.getMessage() + "): imported versions go into no optional index");
            return IndexedApplications.NONE;
        }
    }

    private int run(Mode mode, ImportSettings settings, Config config, TableNames target, DynamoConnection dynamo) throws ImportFailure {
        long started = System.nanoTime();
        OldTables old = new OldTables(dynamo.client(), settings, config.consistentRead(), tuning.scanPageItems());
        old.verify();
        Tables tables = new Tables(dynamo.client(), target, config.readCapacityUnits(), config.writeCapacityUnits());
        boolean targetExists;
        if (mode == Mode.IMPORT) {
            tables.ensure();
            targetExists = true;
        } else {
            targetExists = tables.verifyExisting();
            if (!targetExists) {
                out.println("  dynamini's tables do not exist yet; an import creates them");
            }
        }
        ImportedVersions versions = new ImportedVersions(new DynamoItemRepository(new MeteredDynamoDb(dynamo.client(), DynamoObserver.NONE),
                target, config.consistentRead(), dynamo.commitBarrier(), indexedApplications(config)));
        HistoryMapper mapper = new HistoryMapper(versions, Config.MAX_BODY_BYTES_LIMIT);
        Report report = new Report(out, mode);
        ItemTarget action = switch (mode) {
            case IMPORT -> new Importing(versions);
            case DRY_RUN -> new DryRun(targetExists ? Optional.of(versions) : Optional.empty());
            case CHECK -> new Checking(targetExists ? Optional.of(versions) : Optional.empty());
        };
        // an import copies entries only into collections it has copied; a dry run or check reads no further
        Owners owners = new Owners(old, mapper, mode == Mode.IMPORT ? key -> versions.head(key).isPresent() : key -> true);
        try (Lanes lanes = new Lanes(settings.threads())) {
            new Migration(old, mapper, owners, action, new Patience(tuning.firstThrottlePause(), out), lanes, report).run();
            if (mode == Mode.CHECK && targetExists) {
                new CountCheck(new StoredCounts(dynamo.client(), target, config.consistentRead()), report).run();
            }
        } finally {
            // also when a DynamoDB error stops the run: what it did so far
            report.summary(Duration.ofNanos(System.nanoTime() - started));
        }
        return mode == Mode.CHECK && report.differences() > 0 ? 1 : 0;
    }
}
