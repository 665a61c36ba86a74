package dev.dynamini.migrate;

import dev.dynamini.store.ImportedVersions;
import dev.dynamini.store.Item;
import java.util.List;
import java.util.Optional;

/** Compares dynamini's latest version of each item with the last of its expected versions. */
final class Checking implements ItemTarget {
    /** Empty when dynamini's tables do not exist: then every item differs. */
    private final Optional<ImportedVersions> versions;

    Checking(Optional<ImportedVersions> versions) {
        this.versions = versions;
    }

    @Override
    public Outcome apply(List<Item> expected) {
        if (versions.isEmpty()) {
            return new Outcome(Outcome.Status.DIFFERS, expected.size(), "it is not in dynamini (its tables do not exist)");
        }
        StoredHistory stored = StoredHistory.of(versions.get().head(expected.get(0).key()), expected);
        if (stored.difference() != null) {
            return new Outcome(Outcome.Status.DIFFERS, expected.size(), stored.difference());
        }
        if (!stored.complete(expected)) {
            return new Outcome(Outcome.Status.DIFFERS, expected.size(), stored.present() == 0
                    ? "it is not in dynamini"
                    : "dynamini holds " + stored.present() + " of its " + expected.size() + " versions");
        }
        return new Outcome(Outcome.Status.MATCHES, expected.size(), null);
    }
}
