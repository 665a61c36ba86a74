package dev.dynamini.store;

import java.time.Instant;

/**
 * Where a change stands in its listing's change feed: the order key {@code <stamp>#[<user>#]<id>#<version>},
 * where the stamp is the version's {@code updatedAt} in epoch milliseconds, 13 digits. Two changes
 * of one item have growing stamps ({@link Item#next}), so an item's changes come in version order;
 * changes of different items stamped in one millisecond come in id order. The user is part of the
 * key for collections, which are listed across users (the application's feed), where two users'
 * collections may share an id. Keys compare as strings, which DynamoDB does too (byte order of
 * ASCII).
 */
public final class FeedPosition {
    /** Before every change. */
    public static final String START = "0";
    /** Above every character of an id or a user: the end of a millisecond. */
    private static final char END_OF_STAMP = '\u007f';

    private FeedPosition() {
    }

    /** The order key of one version. */
    public static String of(Item version) {
        StringBuilder key = new StringBuilder(64).append(padded(version.updatedAt().toEpochMilli(), 13)).append('#');
        if (version.key().kind() == Kind.COLLECTION) {
            key.append(version.key().scope().user()).append('#');
        }
        return key.append(version.key().id()).append('#').append(padded(version.version(), 10)).toString();
    }

    /** After every change stamped at or before {@code instant}. */
    public static String endOf(Instant instant) {
        return padded(instant.toEpochMilli(), 13) + "#" + END_OF_STAMP;
    }

    /** True when {@code key} is the shape of a position: a 13-digit stamp and a rest, or {@link #START}. */
    static boolean wellFormed(String key) {
        if (key.equals(START)) {
            return true;
        }
        if (key.length() < 15 || key.charAt(13) != '#') {
            return false;
        }
        for (int i = 0; i < 13; i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String padded(long number, int width) {
        String digits = Long.toString(Math.max(0, number));
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }
}
