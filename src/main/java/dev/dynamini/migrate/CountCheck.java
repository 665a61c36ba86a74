package dev.dynamini.migrate;

import dev.dynamini.dynamo.StoredCounts;
import dev.dynamini.store.Kind;
import java.util.Map;
import java.util.TreeSet;

/**
 * The check's counts: per application and kind, as many items and versions in dynamini as
 * dynamodb-mini's data makes. Catches what comparing item by item cannot: items in dynamini that
 * dynamodb-mini does not have.
 */
final class CountCheck {
    private final StoredCounts stored;
    private final Report report;

    CountCheck(StoredCounts stored, Report report) {
        this.stored = stored;
        this.report = report;
    }

    void run() {
        Map<String, Map<Kind, Report.Tally>> expected = report.tallies();
        for (Kind kind : Kind.values()) {
            Map<String, StoredCounts.Tally> inDynamini = stored.of(kind);
            TreeSet<String> applications = new TreeSet<>(inDynamini.keySet());
            expected.forEach((application, kinds) -> {
                if (kinds.containsKey(kind) && kinds.get(kind).expectedItems > 0) {
                    applications.add(application);
                }
            });
            String plural = kind == Kind.COLLECTION ? "collections" : "entries";
            for (String application : applications) {
                StoredCounts.Tally found = inDynamini.getOrDefault(application, new StoredCounts.Tally(0, 0));
                Report.Tally wanted = expected.getOrDefault(application, Map.of()).get(kind);
                long items = wanted == null ? 0 : wanted.expectedItems;
                long versions = wanted == null ? 0 : wanted.expectedVersions;
                if (found.items() != items || found.versions() != versions) {
                    report.difference("application " + Report.safe(application) + " has " + found.items() + " " + plural + " ("
                            + found.versions() + " versions) in dynamini; dynamodb-mini's make " + items + " (" + versions + " versions)");
                }
            }
        }
    }
}
