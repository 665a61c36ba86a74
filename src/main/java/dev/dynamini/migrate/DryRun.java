package dev.dynamini.migrate;

import dev.dynamini.store.ImportedVersions;
import dev.dynamini.store.Item;
import java.util.List;
import java.util.Optional;

/**
 * Says what an import would write, writing nothing. Where dynamini's tables exist it reads each
 * item's head, so a dry run after a partial import shows what is left; a name clash cannot be
 * foreseen without writing, so a dry run does not predict renames.
 */
final class DryRun implements ItemTarget {
    /** Empty when dynamini's tables do not exist yet: then nothing is there. */
    private final Optional<ImportedVersions> versions;

    DryRun(Optional<ImportedVersions> versions) {
        this.versions = versions;
    }

    @Override
    public Outcome apply(List<Item> expected) {
        StoredHistory stored = StoredHistory.of(versions.flatMap(v -> v.head(expected.get(0).key())), expected);
        if (stored.difference() != null) {
            return Outcome.skipped(stored.difference() + "; an import would leave it as it is");
        }
        if (stored.complete(expected)) {
            return new Outcome(Outcome.Status.PRESENT, expected.size(), null);
        }
        return new Outcome(Outcome.Status.WOULD_COPY, expected.size() - stored.present(), null);
    }
}
