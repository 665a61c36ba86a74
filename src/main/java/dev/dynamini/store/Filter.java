package dev.dynamini.store;

/** dynamodb-mini's {@code filter} query parameter. */
public enum Filter {
    /** The latest version of each item, deleted items left out (the default). */
    LATEST,
    /** The latest version of each item, deleted ones included. */
    CURRENT,
    /** Every version of every item. */
    ALL;

    /** As in dynamodb-mini, anything unknown (or nothing) means latest. */
    public static Filter parse(String raw) {
        if (raw == null) {
            return LATEST;
        }
        return switch (raw.trim().toLowerCase()) {
            case "current" -> CURRENT;
            case "all" -> ALL;
            default -> LATEST;
        };
    }
}
