package dev.dynamini;

/** slf4j-simple reads its settings from system properties before the first logger is made. */
final class Logging {
    private Logging() {
    }

    static void configure(boolean debug) {
        // only our own loggers go to debug: the SDK's wire logs would show entry values
        System.setProperty("org.slf4j.simpleLogger.log.dev.dynamini", debug ? "debug" : "info");
    }
}
