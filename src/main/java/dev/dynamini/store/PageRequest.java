package dev.dynamini.store;

/**
 * A page of a listing: at most {@code limit} items (0 = the whole listing, however long) after the
 * position that {@code cursor} names (null = from the start).
 */
public record PageRequest(int limit, String cursor) {
    public static final int MAX_LIMIT = 1000;
    /**
     * Longer than any cursor this server gives out (a user and an id of at most 128 characters, a
     * version number, a MAC, in base64), so a longer one is refused before it is decoded.
     */
    public static final int MAX_CURSOR_CHARS = 512;

    public static PageRequest everything() {
        return new PageRequest(0, null);
    }

    public PageRequest {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (cursor != null && cursor.length() > MAX_CURSOR_CHARS) {
            throw new InvalidInputException("cursor must be at most " + MAX_CURSOR_CHARS + " characters; use the X-Next-Cursor of the previous page");
        }
    }

    public boolean unlimited() {
        return limit == 0;
    }

    /** How many items to ask the repository for: one past the page, to learn whether another follows. */
    int itemsToRead() {
        return unlimited() ? ItemRepository.EVERYTHING : limit + 1;
    }
}
