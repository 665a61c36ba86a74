package dev.dynamini.store;

/** The item, version or parent collection does not exist or is deleted (404). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
