package dev.dynamini.store;

/** So many writers raced on one item that this write lost every retry (409; the client may retry). */
public final class ContentionException extends RuntimeException {
    public ContentionException(ItemKey key, int attempts) {
        super("the " + key.kind().label() + " changed under " + attempts + " attempts to write it; retry");
    }
}
