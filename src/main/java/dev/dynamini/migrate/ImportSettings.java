package dev.dynamini.migrate;

import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import java.util.Map;

/**
 * The import's own settings: which tables of dynamodb-mini to read, and on how many threads to
 * write. The tables have no defaults:
 * dynamodb-mini's default names are dynamini's default names, and a table cannot hold both layouts,
 * so the operator names the old tables and gives dynamini new ones (docs/migration.md).
 */
record ImportSettings(String oldCollections, String oldEntries, int threads) {
    static final String OLD_COLLECTIONS = "OLD_TABLE_NAME_COLLECTIONS";
    static final String OLD_ENTRIES = "OLD_TABLE_NAME_ENTRIES";
    static final String THREADS = "IMPORT_THREADS";
    /** A DynamoDB over the network spends most of a write waiting: a few lanes keep it busy. */
    static final int DEFAULT_THREADS = 4;
    static final int MAX_THREADS = 64;

    static ImportSettings from(Map<String, String> env, Config config) {
        String collections = Config.checkedTableName(OLD_COLLECTIONS, required(env, OLD_COLLECTIONS));
        String entries = Config.checkedTableName(OLD_ENTRIES, required(env, OLD_ENTRIES));
        if (collections.equals(entries)) {
            throw new ConfigException(OLD_ENTRIES, "must differ from " + OLD_COLLECTIONS);
        }
        for (String old : new String[] {collections, entries}) {
            String variable = old.equals(collections) ? OLD_COLLECTIONS : OLD_ENTRIES;
            if (old.equals(config.collectionsTable()) || old.equals(config.entriesTable())) {
                String target = old.equals(config.collectionsTable()) ? "TABLE_NAME_COLLECTIONS" : "TABLE_NAME_ENTRIES";
                throw new ConfigException(variable, "is " + old + ", which is also dynamini's " + target
                        + (env.get(target) == null || env.get(target).isBlank() ? " (its default)" : "")
                        + "; dynamini writes another layout, so give " + target + " the name of a new table (and start the server with it)");
            }
        }
        return new ImportSettings(collections, entries, threads(env));
    }

    private static int threads(Map<String, String> env) {
        String raw = env.get(THREADS);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_THREADS;
        }
        try {
            int threads = Integer.parseInt(raw.trim());
            if (threads >= 1 && threads <= MAX_THREADS) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(THREADS, "must be a whole number from 1 to " + MAX_THREADS + ", got '" + raw.trim() + "'");
    }

    private static String required(Map<String, String> env, String variable) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new ConfigException(variable, "must name dynamodb-mini's " + (variable.equals(OLD_COLLECTIONS) ? "collections" : "entries")
                    + " table to import from (dynamodb-mini's default was " + (variable.equals(OLD_COLLECTIONS)
                    ? "dynamomini.collections" : "dynamomini.entries") + ")");
        }
        return value.trim();
    }
}
