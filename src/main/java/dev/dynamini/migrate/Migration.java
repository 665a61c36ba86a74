package dev.dynamini.migrate;

import dev.dynamini.store.Item;
import dev.dynamini.store.Kind;
import java.util.List;

/**
 * One pass over dynamodb-mini's data: every collection, then every entry (whose owner is looked up
 * among the applications the collections showed), each mapped to dynamini's versions and handed to
 * the run's target, which copies, forecasts or compares. Items of one scope are handled one at a
 * time in the order the scans return them (scopes in parallel, on the lanes), so what a run does
 * is the same on every run over the same data. Entries start once every collection is done, since
 * an import copies entries only into collections that are in dynamini.
 */
final class Migration {
    private final OldTables old;
    private final HistoryMapper mapper;
    private final Owners owners;
    private final ItemTarget target;
    private final Patience patience;
    private final Lanes lanes;
    private final Report report;

    Migration(OldTables old, HistoryMapper mapper, Owners owners, ItemTarget target, Patience patience, Lanes lanes, Report report) {
        this.old = old;
        this.mapper = mapper;
        this.owners = owners;
        this.target = target;
        this.patience = patience;
        this.lanes = lanes;
        this.report = report;
    }

    void run() {
        old.eachCollection(collection -> {
            owners.noteApplication(collection.application());
            handle(collection, collection.application());
        });
        lanes.drain();
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
        lanes.drain();
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
        String scope = application + '\n' + item.user() + '\n' + (item.kind() == Kind.ENTRY ? item.collection() : "");
        lanes.submit(scope, () -> report.record(item, application, patience.apply(() -> target.apply(expected))));
    }
}
