package dev.dynamini.store;

/**
 * A version, or the state of an item at an instant, that existed but was removed by the
 * application's retention (410): the item is there, that part of its history no longer is.
 */
public final class TrimmedException extends RuntimeException {
    public TrimmedException(String message) {
        super(message);
    }
}
