package dev.dynamini.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A load simulation of dynamini's key design against DynamoDB's per-partition limits
 * (docs/scaling.md). No DynamoDB: a workload (applications, users with a Zipf-like skew,
 * collections, entries, changes per second, item size) is turned into write and read units per
 * second on every partition key it touches, using {@link KeyLayout}'s partition rule and the
 * items each change writes (docs/storage.md, "One change = one transaction" and "Capacity units").
 *
 * <p>Two views of a hot spot: per <b>partition key</b> (worst case: all items of a key on one
 * partition, 1,000 WCU/s and 3,000 RCU/s for them together) and per <b>item</b> (best case:
 * adaptive capacity has isolated the hottest items, each item alone still capped at the
 * partition limit). Prints nothing; {@code -Dscaling.table=true} prints the table of
 * docs/scaling.md.
 */
class PartitionLoadSimulationTest {
    /** DynamoDB's documented per-partition throughput limits. */
    static final double PARTITION_WCU = 1000;
    static final double PARTITION_RCU = 3000;

    enum Space { ENTRIES, COLLECTIONS, INDEX }

    record Key(Space space, String pk) {
    }

    record Item(Space space, String pk, String sk) {
    }

    /** Units per second on every key and every (tracked) item. */
    static final class Load {
        final Map<Key, Double> wcu = new HashMap<>();
        final Map<Key, Double> rcu = new HashMap<>();
        final Map<Item, Double> itemWcu = new HashMap<>();
        final Map<Item, Double> itemRcu = new HashMap<>();

        void write(Space space, String pk, String sk, double units) {
            wcu.merge(new Key(space, pk), units, Double::sum);
            if (sk != null) {
                itemWcu.merge(new Item(space, pk, sk), units, Double::sum);
            }
        }

        void read(Space space, String pk, String sk, double units) {
            rcu.merge(new Key(space, pk), units, Double::sum);
            itemRcu.merge(new Item(space, pk, sk), units, Double::sum);
        }

        double maxWcu(Space space) {
            return wcu.entrySet().stream().filter(e -> e.getKey().space() == space)
                    .mapToDouble(Map.Entry::getValue).max().orElse(0);
        }

        double maxRcu(Space space) {
            return rcu.entrySet().stream().filter(e -> e.getKey().space() == space)
                    .mapToDouble(Map.Entry::getValue).max().orElse(0);
        }

        /** The largest share of a partition's limit any key uses (1.0 = at the limit). */
        double keyUtilisation() {
            double w = wcu.values().stream().mapToDouble(Double::doubleValue).max().orElse(0) / PARTITION_WCU;
            double r = rcu.values().stream().mapToDouble(Double::doubleValue).max().orElse(0) / PARTITION_RCU;
            return Math.max(w, r);
        }

        /** The same with every tracked item on a partition of its own (best case). */
        double itemUtilisation() {
            double w = itemWcu.values().stream().mapToDouble(Double::doubleValue).max().orElse(0) / PARTITION_WCU;
            double r = itemRcu.values().stream().mapToDouble(Double::doubleValue).max().orElse(0) / PARTITION_RCU;
            return Math.max(w, r);
        }

        boolean underLimits() {
            return keyUtilisation() <= 1.0;
        }

        double total() {
            return wcu.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /**
     * What one operation writes and reads, per docs/storage.md: a transaction bills 2 WCU per KB
     * (rounded up) per item written or checked; a strongly consistent read 1 RCU per 4 KB. The
     * index {@code byApplication} receives the collection head and version (both carry {@code app};
     * registers don't), at {@code indexWcuPerKb} per KB: AWS documents 1 WCU per KB for an index
     * write; whether a transaction's index writes are doubled like the table's is not stated, so
     * the conservative default is 2.
     */
    record Costs(double itemKb, double smallKb, double indexWcuPerKb) {
        static Costs small() {
            return new Costs(1, 1, 2);
        }

        double tx(double kb) {
            return 2 * Math.ceil(kb);
        }

        double index(double kb) {
            return indexWcuPerKb * Math.ceil(kb);
        }

        double strongRead(double kb) {
            return Math.ceil(kb / 4);
        }

        /** PUT entry, value only: head, version, collection check. */
        void updateEntry(Load load, ItemKey entry, double rate) {
            String pk = KeyLayout.partition(entry.scope());
            load.write(Space.ENTRIES, pk, KeyLayout.head(entry.id()), rate * tx(itemKb));
            load.write(Space.ENTRIES, pk, null, rate * tx(itemKb)); // a new version item each time
            collectionCheck(load, entry, rate);
        }

        /** POST entry with a name: head, version, name register, collection check. */
        void createNamedEntry(Load load, ItemKey entry, double rate) {
            String pk = KeyLayout.partition(entry.scope());
            load.write(Space.ENTRIES, pk, null, rate * (tx(itemKb) + tx(itemKb) + tx(smallKb)));
            collectionCheck(load, entry, rate);
        }

        private void collectionCheck(Load load, ItemKey entry, double rate) {
            ItemKey collection = entry.scope().parent();
            load.write(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), KeyLayout.head(collection.id()),
                    rate * tx(smallKb));
        }

        /** POST collection: head, version, name register; head and version into the index. */
        void createCollection(Load load, ItemKey collection, double rate) {
            load.write(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), null,
                    rate * (tx(smallKb) + tx(smallKb) + tx(smallKb)));
            load.write(Space.INDEX, collection.scope().application(), null, rate * 2 * index(smallKb));
        }

        /** PUT collection, rename: head, version, old register, new register; head and version into the index. */
        void renameCollection(Load load, ItemKey collection, double rate) {
            load.write(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), KeyLayout.head(collection.id()),
                    rate * tx(smallKb));
            load.write(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), null, rate * 3 * tx(smallKb));
            load.write(Space.INDEX, collection.scope().application(), KeyLayout.head(collection.id()),
                    rate * index(smallKb));
            load.write(Space.INDEX, collection.scope().application(), null, rate * index(smallKb));
        }

        /** GET entry, filter=latest: the entry's head and its collection's head (BatchGetItem). */
        void getEntryLatest(Load load, ItemKey entry, double rate) {
            load.read(Space.ENTRIES, KeyLayout.partition(entry.scope()), KeyLayout.head(entry.id()),
                    rate * strongRead(itemKb));
            ItemKey collection = entry.scope().parent();
            load.read(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), KeyLayout.head(collection.id()),
                    rate * strongRead(smallKb));
        }
    }

    // ---- workloads ----

    static ItemKey entry(int app, int user, int collection, int entry) {
        return Scope.entriesOf("app" + app, "u" + user, "c" + collection).item("e" + entry);
    }

    static ItemKey collection(int app, int user, int collection) {
        return Scope.collectionsOf("app" + app, "u" + user).item("c" + collection);
    }

    /** Shares of a Zipf distribution with exponent s over n ranks (rank 1 the busiest). */
    static double[] zipf(int n, double s) {
        double[] shares = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            shares[k - 1] = 1 / Math.pow(k, s);
            sum += shares[k - 1];
        }
        for (int k = 0; k < n; k++) {
            shares[k] /= sum;
        }
        return shares;
    }

    /**
     * Entry value updates at {@code rate} per second per application, spread over users by
     * {@code userShares}, then evenly over collections and entries.
     */
    static Load entryUpdates(Costs costs, int apps, double[] userShares, int collections, int entries, double rate) {
        Load load = new Load();
        for (int a = 0; a < apps; a++) {
            for (int u = 0; u < userShares.length; u++) {
                double perEntry = rate * userShares[u] / collections / entries;
                for (int c = 0; c < collections; c++) {
                    for (int e = 0; e < entries; e++) {
                        costs.updateEntry(load, entry(a, u, c, e), perEntry);
                    }
                }
            }
        }
        return load;
    }

    static double[] uniform(int n) {
        double[] shares = new double[n];
        java.util.Arrays.fill(shares, 1.0 / n);
        return shares;
    }

    /** Collection creates of one application at {@code rate} per second, spread evenly over users. */
    static Load collectionCreates(Costs costs, int users, double rate) {
        Load load = new Load();
        for (int u = 0; u < users; u++) {
            costs.createCollection(load, collection(0, u, 0), rate / users);
        }
        return load;
    }

    /** The rate at which the hottest key reaches its limit: loads are linear in the rate. */
    static double saturation(Load load, double rate) {
        return rate / load.keyUtilisation();
    }

    static double itemSaturation(Load load, double rate) {
        return rate / load.itemUtilisation();
    }

    // ---- the cost model agrees with docs/storage.md ----

    @Test
    void costModelMatchesTheCapacityTableOfStorageMd() {
        Costs costs = Costs.small();
        Load update = new Load();
        costs.updateEntry(update, entry(0, 0, 0, 0), 1);
        assertEquals(6, update.total(), "update entry value: 3 items x 2 = 6 WCU");
        Load create = new Load();
        costs.createNamedEntry(create, entry(0, 0, 0, 0), 1);
        assertEquals(8, create.total(), "create entry (named): 4 items x 2 = 8 WCU");
        Load collection = new Load();
        costs.createCollection(collection, collection(0, 0, 0), 1);
        assertEquals(6, collection.maxWcu(Space.COLLECTIONS), "create collection: 3 items x 2 = 6 WCU");
        assertEquals(4, collection.maxWcu(Space.INDEX), "head and version into byApplication");
        Load read = new Load();
        costs.getEntryLatest(read, entry(0, 0, 0, 0), 1);
        assertEquals(2, read.rcu.values().stream().mapToDouble(Double::doubleValue).sum(), "GET entry latest: 2 RCU");
        // the partition keys are KeyLayout's
        assertTrue(update.wcu.containsKey(new Key(Space.ENTRIES, "app0#u0#c0")));
        assertTrue(update.wcu.containsKey(new Key(Space.COLLECTIONS, "app0#u0")));
    }

    // ---- findings (docs/scaling.md) ----

    @Test
    void uniformTenThousandChangesOverAThousandUsersStayUnderEveryLimit() {
        Load load = entryUpdates(Costs.small(), 1, uniform(1000), 5, 4, 10_000);
        assertTrue(load.underLimits());
        assertEquals(8, load.maxWcu(Space.ENTRIES), 1e-9); // 2 changes/s per collection x 4 WCU
        assertEquals(20, load.maxWcu(Space.COLLECTIONS), 1e-9); // 10 checks/s per user x 2 WCU
        assertEquals(0, load.maxWcu(Space.INDEX)); // entry writes never touch the index
        assertEquals(500_000, saturation(load, 10_000), 1e-6);
    }

    @Test
    void sixHundredChangesOnOneCollectionExceedIt() {
        Load load = entryUpdates(Costs.small(), 1, uniform(1), 1, 100, 600);
        assertEquals(2400, load.maxWcu(Space.ENTRIES), 1e-9);
        assertEquals(1200, load.maxWcu(Space.COLLECTIONS), 1e-9);
        assertTrue(!load.underLimits());
        assertEquals(250, saturation(load, 600), 1e-9); // one collection: 1,000 / 4 WCU
        assertEquals(500, itemSaturation(load, 600), 1e-9); // even with items isolated: its head, 1,000 / 2
    }

    @Test
    void oneHotEntry() {
        Load small = entryUpdates(Costs.small(), 1, uniform(1), 1, 1, 1);
        assertEquals(250, saturation(small, 1), 1e-9);
        assertEquals(500, itemSaturation(small, 1), 1e-9); // its head alone: 2 WCU per change
        Load fourKb = entryUpdates(new Costs(4, 1, 2), 1, uniform(1), 1, 1, 1);
        assertEquals(62.5, saturation(fourKb, 1), 1e-9); // (8 + 8) WCU per change
        assertEquals(125, itemSaturation(fourKb, 1), 1e-9);
        Load largest = entryUpdates(new Costs(257, 1, 2), 1, uniform(1), 1, 1, 1); // MAX_BODY_BYTES default
        assertTrue(saturation(largest, 1) < 1, "one change of a 256 KiB entry exceeds a second of a partition");
    }

    @Test
    void oneUsersCollectionsShareTheCheckedKey() {
        // 3 collections of one user: each could take 250/s, but every change checks its collection's head, all under app#user
        Load load = entryUpdates(Costs.small(), 1, uniform(1), 3, 10, 1);
        assertEquals(500, saturation(load, 1), 1e-9);
        assertEquals(1500, itemSaturation(load, 1), 1e-9); // its busiest item, a collection head: 1,000 / (2 x 1/3)
    }

    @Test
    void zipfSkewedApplicationsAreBoundByTheirBusiestUser() {
        double[] users = zipf(10_000, 1.0);
        Load load = entryUpdates(Costs.small(), 1, users, 3, 1, 2_000);
        assertTrue(load.underLimits()); // 2,000 changes/s (applications are independent: one is enough)
        double busiest = users[0] * 2_000;
        assertEquals(2 * busiest, load.maxWcu(Space.COLLECTIONS), 1e-9);
        assertEquals(4 * busiest / 3, load.maxWcu(Space.ENTRIES), 1e-9);
        double perApplication = saturation(load, 2_000);
        assertEquals(500 / users[0], perApplication, 1e-6);
        assertTrue(perApplication > 4_800 && perApplication < 5_000, "about 4,900/s per application: " + perApplication);
        Load heavier = entryUpdates(Costs.small(), 1, zipf(10_000, 1.2), 3, 1, 3_000);
        assertTrue(!heavier.underLimits(), "a steeper skew (s=1.2) breaks at 3,000/s");
        double steeper = saturation(heavier, 3_000);
        assertTrue(steeper > 2_350 && steeper < 2_450, "about 2,400/s per application: " + steeper);
    }

    @Test
    void collectionCreatesOfOneApplicationAreBoundByTheIndexKey() {
        Load load = collectionCreates(Costs.small(), 10_000, 300);
        assertTrue(load.maxWcu(Space.COLLECTIONS) < 1); // 0.03 creates/s per user
        assertEquals(1200, load.maxWcu(Space.INDEX), 1e-9);
        assertTrue(!load.underLimits());
        assertEquals(250, saturation(load, 300), 1e-9);
        Load single = collectionCreates(new Costs(1, 1, 1), 10_000, 300); // if index writes are not doubled
        assertTrue(single.underLimits());
        assertEquals(500, saturation(single, 300), 1e-9);
        // a busy application's entry writes: index untouched, whatever its rate
        assertEquals(0, entryUpdates(Costs.small(), 1, uniform(100), 1, 1, 50_000).maxWcu(Space.INDEX));
    }

    @Test
    void readsOfOneCollection() {
        Load load = new Load();
        Costs costs = Costs.small();
        for (int e = 0; e < 100; e++) {
            costs.getEntryLatest(load, entry(0, 0, 0, e), 50); // 5,000 GETs/s over 100 entries of one collection
        }
        assertEquals(5000, load.maxRcu(Space.COLLECTIONS), 1e-9); // every GET reads the collection head
        assertTrue(!load.underLimits());
        assertEquals(3000, saturation(load, 5000), 1e-9);
    }

    // ---- the table of docs/scaling.md, on request ----

    @Test
    void table() {
        if (!Boolean.getBoolean("scaling.table")) {
            return;
        }
        Costs small = Costs.small();
        List<String> rows = new ArrayList<>();
        rows.add(row("uniform: 1 app, 1,000 users x 5 collections, 10,000 updates/s",
                entryUpdates(small, 1, uniform(1000), 5, 4, 10_000), 10_000));
        rows.add(row("one collection, 600 updates/s over 100 entries",
                entryUpdates(small, 1, uniform(1), 1, 100, 600), 600));
        rows.add(row("one entry, 1 KB", entryUpdates(small, 1, uniform(1), 1, 1, 100), 100));
        rows.add(row("one entry, 4 KB", entryUpdates(new Costs(4, 1, 2), 1, uniform(1), 1, 1, 50), 50));
        rows.add(row("one user, 3 collections", entryUpdates(small, 1, uniform(1), 3, 10, 300), 300));
        rows.add(row("Zipf s=1.0: 1 app, 10,000 users x 3 collections, 2,000 updates/s",
                entryUpdates(small, 1, zipf(10_000, 1.0), 3, 1, 2_000), 2_000));
        rows.add(row("Zipf s=1.2: 1 app, 10,000 users x 3 collections, 3,000 updates/s",
                entryUpdates(small, 1, zipf(10_000, 1.2), 3, 1, 3_000), 3_000));
        rows.add(row("collection creates, 1 app over 10,000 users, 300/s (index 2 WCU/KB)",
                collectionCreates(small, 10_000, 300), 300));
        rows.add(row("collection creates, same, index 1 WCU/KB",
                collectionCreates(new Costs(1, 1, 1), 10_000, 300), 300));
        Load reads = new Load();
        for (int e = 0; e < 100; e++) {
            small.getEntryLatest(reads, entry(0, 0, 0, e), 50);
        }
        rows.add(row("GET entry (latest), one collection, 5,000/s", reads, 5_000));
        System.out.println("| workload | entries key WCU/s | collections key WCU/s | index key WCU/s | max RCU/s | under? | saturates at (key) | (items isolated) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
    }

    private static String row(String name, Load load, double rate) {
        double maxRcu = Math.max(load.maxRcu(Space.ENTRIES), load.maxRcu(Space.COLLECTIONS));
        double isolated = itemSaturation(load, rate);
        return String.format("| %s | %,.0f | %,.0f | %,.0f | %,.0f | %s | %,.1f/s | %s |", name,
                load.maxWcu(Space.ENTRIES), load.maxWcu(Space.COLLECTIONS), load.maxWcu(Space.INDEX), maxRcu,
                load.underLimits() ? "yes" : "**no**", saturation(load, rate),
                Double.isInfinite(isolated) ? "n/a" : String.format("%,.1f/s", isolated));
    }
}
