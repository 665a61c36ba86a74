package dev.dynamini.store;

/**
 * A page of a listing: at most {@code limit} items (0 = the whole listing, however long) after the
 * position that {@code cursor} names (null = from the start).
 */
public record PageRequest(int limit, String cursor) {
    public static final int MAX_LIMIT = 1000;

    public static PageRequest everything() {
        return new PageRequest(0, null);
    }

    public PageRequest {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    public boolean unlimited() {
        return limit == 0;
    }

    /** How many items the repository may return for this page. */
    int maxItems() {
        return unlimited() ? ItemRepository.EVERYTHING : limit;
    }
}
