package dev.dynamini.store;

/** If-Match named a version that is no longer the latest (412); carries the latest one. */
public final class VersionMismatchException extends RuntimeException {
    private final transient Item current;

    public VersionMismatchException(long expected, Item current) {
        super("version " + expected + " is not the latest; the latest is " + current.version());
        this.current = current;
    }

    public Item current() {
        return current;
    }
}
