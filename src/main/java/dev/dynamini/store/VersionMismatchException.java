package dev.dynamini.store;

/** A precondition failed (412): If-Match named a version that is no longer the latest, or If-None-Match: * an item that exists; carries the latest version. */
public final class VersionMismatchException extends RuntimeException {
    private final transient Item current;

    public VersionMismatchException(long expected, Item current) {
        super("version " + expected + " is not the latest; the latest is " + current.version());
        this.current = current;
    }

    /** A precondition other than If-Match failed (If-None-Match: * on an existing item). */
    public VersionMismatchException(String message, Item current) {
        super(message);
        this.current = current;
    }

    public Item current() {
        return current;
    }
}
