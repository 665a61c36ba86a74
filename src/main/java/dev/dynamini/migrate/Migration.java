package dev.dynamini.migrate;

import dev.dynamini.store.Item;
import java.util.List;

/**
 * One pass over dynamodb-mini's data: every collection, then every entry (whose owner is looked up
 * among the applications the collections showed), each mapped to dynamini's versions and handed to
 * the run's target, which copies, forecasts or compares. Items are taken one at a time, in the
 * order the scans return them, so what a run does is the same on every run over the same data.
 */
final class Migration {
    private final OldTables old;
    private final HistoryMapper mapper;
    private final Owners owners;
    private final ItemTarget target;
    private final Patience patience;
    private final Report report;

    Migration(OldTables old, HistoryMapper mapper, Owners owners, ItemTarget target, Patience patience, Report report) {
        this.old = old;
        this.mapper = mapper;
        this.owners = owners;
        this.target = target;
        this.patience = patience;
        this.report = report;
    }

    void run() {
        old.eachCollection(collection -> {
            owners.noteApplication(collection.application());
            handle(collection, collection.application());
        });
        old.eachEntry(entry -> {
            if (entry.problem() != null) {
                report.record(entry, null, Outcome.skipped(entry.problem()));
                return;
            }
            Owners.Owner owner = owners.of(entry.user(), entry.collection());
            if (owner.problem() != null) {
                report.record(entry, owner.application(), Outcome.skipped(owner.problem()));
                return;
            }
            handle(entry, owner.application());
        });
    }

    private void handle(OldItem item, String application) {
        List<Item> expected;
        try {
            expected = mapper.versions(item, application);
        } catch (NotImportable e) {
            report.record(item, application, Outcome.skipped(e.getMessage()));
            return;
        }
        report.expect(item, application, expected.size());
        report.record(item, application, patience.apply(() -> target.apply(expected)));
    }
}
