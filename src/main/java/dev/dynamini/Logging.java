package dev.dynamini;

import java.util.logging.Level;

/** slf4j-simple reads its settings from system properties before the first logger is made. */
final class Logging {
    /** java.util.logging holds loggers weakly: keep this one, or its level is forgotten. */
    private static final java.util.logging.Logger SQLITE = java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

    private Logging() {
    }

    static void configure(boolean debug) {
        // only our own loggers go to debug: the SDK's wire logs would show entry values
        System.setProperty("org.slf4j.simpleLogger.log.dev.dynamini", debug ? "debug" : "info");
        // DynamoDB Local's SQLite binding logs through java.util.logging; in the shaded jar it warns
        // "unknown jar version" on every start, which says nothing about our data
        SQLITE.setLevel(debug ? Level.INFO : Level.SEVERE);
    }
}
