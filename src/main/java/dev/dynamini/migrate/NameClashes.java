package dev.dynamini.migrate;

/**
 * dynamini keeps names unique among a scope's live items; dynamodb-mini did not. When a version's
 * name is held by another live item, the item imported first (in the old table's key order) keeps
 * it and this one is imported under {@code "<name> (<its id>)"}: unique, still readable, and the
 * report says so. Nothing else of the version changes.
 */
final class NameClashes {
    private NameClashes() {
    }

    static String renamed(String name, String id) {
        return name + " (" + id + ")";
    }

    /** A stored name is the expected one, or the expected one renamed by a clash. */
    static boolean sameName(String stored, String expected, String id) {
        if (stored == null || expected == null) {
            return stored == expected;
        }
        return stored.equals(expected) || stored.equals(renamed(expected, id));
    }
}
