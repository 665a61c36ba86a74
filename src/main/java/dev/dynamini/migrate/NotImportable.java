package dev.dynamini.migrate;

/** An item that cannot be copied into dynamini; the message is the reason the report gives. */
final class NotImportable extends Exception {
    NotImportable(String reason) {
        super(reason, null, false, false);
    }
}
