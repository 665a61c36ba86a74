package dev.dynamini.migrate;

/** The import cannot start or go on (a missing table, a wrong schema); the message says why. */
final class ImportFailure extends Exception {
    ImportFailure(String message) {
        super(message, null, false, false);
    }
}
