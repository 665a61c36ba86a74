package dev.dynamini.migrate;

import dev.dynamini.store.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How much of an item's expected versions dynamini holds already. Versions are written in order,
 * each on condition that the head is the one before, so the head alone tells: head version k equal
 * to expected version k means versions 1..k are there and k+1.. are still to write.
 *
 * @param present how many versions are there (0: the item is not in dynamini)
 * @param difference why dynamini's item is not a prefix of the expected history, or null
 */
record StoredHistory(Optional<Item> head, int present, String difference) {

    static StoredHistory of(Optional<Item> head, List<Item> expected) {
        if (head.isEmpty()) {
            return new StoredHistory(head, 0, null);
        }
        Item stored = head.get();
        if (stored.version() > expected.size()) {
            return new StoredHistory(head, 0, "dynamini holds " + stored.version() + " versions of it, dynamodb-mini's history makes "
                    + expected.size());
        }
        List<String> fields = differences(stored, expected.get((int) stored.version() - 1));
        if (!fields.isEmpty()) {
            return new StoredHistory(head, 0, "dynamini's version " + stored.version() + " of it differs from dynamodb-mini's in "
                    + String.join(", ", fields));
        }
        return new StoredHistory(head, (int) stored.version(), null);
    }

    boolean complete(List<Item> expected) {
        return difference == null && present == expected.size();
    }

    /** The fields in which a stored version differs from the expected one (never their values). */
    static List<String> differences(Item stored, Item expected) {
        List<String> fields = new ArrayList<>();
        if (stored.version() != expected.version()) {
            fields.add("version");
        }
        if (!NameClashes.sameName(stored.content().name(), expected.content().name(), expected.key().id())) {
            fields.add("name");
        }
        if (!Objects.equals(stored.content().value(), expected.content().value())) {
            fields.add("value");
        }
        if (!stored.createdAt().equals(expected.createdAt())) {
            fields.add("createdAt");
        }
        if (!stored.updatedAt().equals(expected.updatedAt())) {
            fields.add("updatedAt");
        }
        if (!Objects.equals(stored.deletedAt(), expected.deletedAt())) {
            fields.add("deletedAt");
        }
        return fields;
    }
}
