package dev.dynamini.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A load simulation of dynamini's key design against DynamoDB's per-partition limits
 * (docs/scaling.md). No DynamoDB: a workload (applications, users with a Zipf-like skew,
 * collections, entries, changes per second, item size) is turned into write and read units per
 * second on every partition key it touches, using {@link KeyLayout}'s partition rule and the
 * items each change reads and writes (docs/storage.md, "One change: the commit protocol", "The
 * collection of an entry", "Reads" and "Capacity units"): single-item conditional writes, no
 * transaction; an entry's collection head read from {@code LiveCollections}, at most once per
 * {@code COLLECTION_CACHE_MS} per collection per instance.
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

    /**
     * Units per second on every key and every (tracked) item. Per-operation units are linear in the
     * rate; collection-head reads are not: they are {@code min(entry operations/s on the
     * collection, Costs.collectionReadsPerSecond())}, so loads are evaluated at a scale factor
     * {@code k} of the workload's rate.
     */
    static final class Load {
        final Costs costs;
        final Map<Key, Double> wcu = new HashMap<>();
        final Map<Key, Double> rcu = new HashMap<>();
        final Map<Item, Double> itemWcu = new HashMap<>();
        final Map<Item, Double> itemRcu = new HashMap<>();
        /** Entry operations per second that need their collection's head from LiveCollections. */
        final Map<ItemKey, Double> collectionUse = new HashMap<>();
        private Shape byKey;
        private Shape byItem;

        Load(Costs costs) {
            this.costs = costs;
        }

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

        void useCollection(ItemKey collection, double rate) {
            collectionUse.merge(collection, rate, Double::sum);
        }

        /** Read units per second on every key at {@code k} times the workload's rate. */
        Map<Key, Double> rcuAt(double k) {
            Map<Key, Double> at = new HashMap<>();
            rcu.forEach((key, units) -> at.merge(key, k * units, Double::sum));
            collectionUse.forEach((collection, rate) -> at.merge(new Key(Space.COLLECTIONS, KeyLayout.partition(collection.scope())),
                    collectionReads(k * rate), Double::sum));
            return at;
        }

        /** Read units per second of one collection's head, at {@code rate} entry operations per second on it. */
        double collectionReads(double rate) {
            return Math.min(rate, costs.collectionReadsPerSecond()) * costs.strongRead(costs.smallKb());
        }

        double maxWcu(Space space) {
            return wcu.entrySet().stream().filter(e -> e.getKey().space() == space)
                    .mapToDouble(Map.Entry::getValue).max().orElse(0);
        }

        double maxRcu(Space space) {
            return rcuAt(1).entrySet().stream().filter(e -> e.getKey().space() == space)
                    .mapToDouble(Map.Entry::getValue).max().orElse(0);
        }

        /** The largest share of a partition's limit any key uses at k times the rate (1.0 = at the limit). */
        double keyUtilisation(double k) {
            return shape(false).utilisation(k);
        }

        /** The same with every tracked item on a partition of its own (best case). */
        double itemUtilisation(double k) {
            return shape(true).utilisation(k);
        }

        /** The load in arrays, for the many evaluations of a saturation search (built once; loads are built, then read). */
        private Shape shape(boolean items) {
            if (items) {
                return byItem != null ? byItem : (byItem = new Shape(this, itemWcu, itemRcu, (space, pk, sk) -> new Item(space, pk, sk)));
            }
            return byKey != null ? byKey : (byKey = new Shape(this, wcu, rcu, (space, pk, sk) -> new Key(space, pk)));
        }

        boolean underLimits() {
            return keyUtilisation(1) <= 1.0;
        }

        /** Write units of one operation at rate 1 (all keys, index included). */
        double totalWcu() {
            return wcu.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Read units of one operation at rate 1, its collection known live (as storage.md's table counts). */
        double totalRcu() {
            return rcu.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    interface Place {
        Object of(Space space, String pk, String sk);
    }

    /** Units per second per place (key or item) as arrays: linear write and read units, and the capped collection reads. */
    static final class Shape {
        final double maxWcu;
        final double[] rcu;
        final int[] readPlace;
        final double[] readUse;
        final Load load;

        <P> Shape(Load load, Map<P, Double> wcu, Map<P, Double> rcu, Place place) {
            this.load = load;
            this.maxWcu = wcu.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            Map<Object, Integer> index = new HashMap<>();
            List<Double> linear = new ArrayList<>();
            rcu.forEach((p, units) -> {
                index.put(p, linear.size());
                linear.add(units);
            });
            readPlace = new int[load.collectionUse.size()];
            readUse = new double[load.collectionUse.size()];
            int j = 0;
            for (Map.Entry<ItemKey, Double> use : load.collectionUse.entrySet()) {
                ItemKey collection = use.getKey();
                Object p = place.of(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), KeyLayout.head(collection.id()));
                readPlace[j] = index.computeIfAbsent(p, absent -> {
                    linear.add(0.0);
                    return linear.size() - 1;
                });
                readUse[j++] = use.getValue();
            }
            this.rcu = linear.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double utilisation(double k) {
            double[] reads = new double[rcu.length];
            for (int i = 0; i < rcu.length; i++) {
                reads[i] = k * rcu[i];
            }
            for (int j = 0; j < readPlace.length; j++) {
                reads[readPlace[j]] += load.collectionReads(k * readUse[j]);
            }
            double maxRcu = 0;
            for (double r : reads) {
                maxRcu = Math.max(maxRcu, r);
            }
            return Math.max(k * maxWcu / PARTITION_WCU, maxRcu / PARTITION_RCU);
        }
    }

    /**
     * What one operation writes and reads, per docs/storage.md: single-item writes at 1 WCU per KB
     * (rounded up), no transaction; an index write ({@code byApplication} receives collection heads
     * and versions, which carry {@code app}; registers don't) 1 WCU per KB again; a strongly
     * consistent read 1 RCU per 4 KB. With {@code retention}, each change also marks an older
     * version ({@code UpdateItem}, billed by that version's size); with rules by collection name
     * it also reads the collection's head for its name, directly, every time (not from
     * {@code LiveCollections}). Retention's read of version n+2-N (both rules, N of 3 or more) is
     * not modelled. An entry operation's collection
     * head comes from {@code LiveCollections}: read (strongly consistent) at most once per
     * {@code collectionCacheMs} per collection by each of {@code instances} servers; 0 reads it
     * every time.
     */
    record Costs(double itemKb, double smallKb, int instances, long collectionCacheMs, Retention retention) {
        /** Retention of old versions: none, rules for the whole application, or rules by collection name. */
        enum Retention { NONE, ON }

        static Costs small() {
            return new Costs(1, 1, 1, 1000, Retention.NONE);
        }

        Costs itemKb(double kb) {
            return new Costs(kb, smallKb, instances, collectionCacheMs, retention);
        }

        Costs instances(int n) {
            return new Costs(itemKb, smallKb, n, collectionCacheMs, retention);
        }

        Costs collectionCacheMs(long ms) {
            return new Costs(itemKb, smallKb, instances, ms, retention);
        }

        Costs retention(Retention rules) {
            return new Costs(itemKb, smallKb, instances, collectionCacheMs, rules);
        }

        double write(double kb) {
            return Math.ceil(kb);
        }

        double index(double kb) {
            return Math.ceil(kb);
        }

        double strongRead(double kb) {
            return Math.ceil(kb / 4);
        }

        /** The most reads of one collection's head per second, over all instances. */
        double collectionReadsPerSecond() {
            return collectionCacheMs <= 0 ? Double.POSITIVE_INFINITY : instances * 1000.0 / collectionCacheMs;
        }

        /** PUT entry, value only: head read, version, head (and the expiry mark). */
        void updateEntry(Load load, ItemKey entry, double rate) {
            String pk = KeyLayout.partition(entry.scope());
            String head = KeyLayout.head(entry.id());
            load.read(Space.ENTRIES, pk, head, rate * strongRead(itemKb));
            load.write(Space.ENTRIES, pk, null, rate * write(itemKb)); // a new version item each time
            load.write(Space.ENTRIES, pk, head, rate * write(itemKb));
            expiryMark(load, entry, rate);
            load.useCollection(entry.scope().parent(), rate);
        }

        /** POST entry with a name: register, version, head; nothing read but the collection. */
        void createNamedEntry(Load load, ItemKey entry, double rate) {
            String pk = KeyLayout.partition(entry.scope());
            load.write(Space.ENTRIES, pk, null, rate * (write(smallKb) + write(itemKb)));
            load.write(Space.ENTRIES, pk, KeyLayout.head(entry.id()), rate * write(itemKb));
            load.useCollection(entry.scope().parent(), rate);
        }

        /** PUT entry, new name: head read, new register (the old one is released lazily), version, head. */
        void renameEntry(Load load, ItemKey entry, double rate) {
            updateEntry(load, entry, rate);
            load.write(Space.ENTRIES, KeyLayout.partition(entry.scope()), null, rate * write(smallKb));
        }

        /** DELETE entry: head read, version, head; no register deleted (names are released lazily). */
        void deleteEntry(Load load, ItemKey entry, double rate) {
            String pk = KeyLayout.partition(entry.scope());
            String head = KeyLayout.head(entry.id());
            load.read(Space.ENTRIES, pk, head, rate * strongRead(itemKb));
            load.write(Space.ENTRIES, pk, null, rate * write(smallKb)); // a deleting version carries no value
            load.write(Space.ENTRIES, pk, head, rate * write(itemKb)); // a put is billed by the larger of old and new
            expiryMark(load, entry, rate);
            load.useCollection(entry.scope().parent(), rate);
        }

        private void expiryMark(Load load, ItemKey entry, double rate) {
            if (retention == Retention.NONE) {
                return;
            }
            // an older version, a different one each time
            load.write(Space.ENTRIES, KeyLayout.partition(entry.scope()), null, rate * write(itemKb));
        }

        /** POST collection: register, version, head under app#user; head and version into the index. */
        void createCollection(Load load, ItemKey collection, double rate) {
            load.write(Space.COLLECTIONS, KeyLayout.partition(collection.scope()), null, rate * 3 * write(smallKb));
            load.write(Space.INDEX, collection.scope().application(), null, rate * 2 * index(smallKb));
        }

        /** PUT or DELETE collection, same name: head read, version, head; head and version into the index. */
        void changeCollection(Load load, ItemKey collection, double rate) {
            String pk = KeyLayout.partition(collection.scope());
            String head = KeyLayout.head(collection.id());
            load.read(Space.COLLECTIONS, pk, head, rate * strongRead(smallKb));
            load.write(Space.COLLECTIONS, pk, null, rate * write(smallKb));
            load.write(Space.COLLECTIONS, pk, head, rate * write(smallKb));
            load.write(Space.INDEX, collection.scope().application(), null, rate * index(smallKb));
            load.write(Space.INDEX, collection.scope().application(), head, rate * index(smallKb));
        }

        /** GET entry, filter=latest: the entry's head; whether its collection is live from LiveCollections. */
        void getEntryLatest(Load load, ItemKey entry, double rate) {
            load.read(Space.ENTRIES, KeyLayout.partition(entry.scope()), KeyLayout.head(entry.id()),
                    rate * strongRead(itemKb));
            load.useCollection(entry.scope().parent(), rate);
        }

        /** GET collection: its head. */
        void getCollection(Load load, ItemKey collection, double rate) {
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
        Load load = new Load(costs);
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
        Load load = new Load(costs);
        for (int u = 0; u < users; u++) {
            costs.createCollection(load, collection(0, u, 0), rate / users);
        }
        return load;
    }

    /** GET entry (latest) at {@code rate} per second, spread evenly over the entries of one collection. */
    static Load latestReadsOfOneCollection(Costs costs, int entries, double rate) {
        Load load = new Load(costs);
        for (int e = 0; e < entries; e++) {
            costs.getEntryLatest(load, entry(0, 0, 0, e), rate / entries);
        }
        return load;
    }

    /**
     * The rate at which the hottest key reaches its limit. Loads are linear in the rate but for the
     * capped collection-head reads, so utilisation is continuous and non-decreasing in it: bisection.
     */
    static double saturation(Load load, double rate) {
        return rate * scaleAtLimit(load::keyUtilisation);
    }

    static double itemSaturation(Load load, double rate) {
        return rate * scaleAtLimit(load::itemUtilisation);
    }

    private static double scaleAtLimit(java.util.function.DoubleUnaryOperator utilisation) {
        double low = 0;
        double high = 1;
        while (utilisation.applyAsDouble(high) < 1) {
            low = high;
            high *= 2;
            if (high > 1e15) {
                return Double.POSITIVE_INFINITY; // nothing that grows with the rate: never saturates
            }
        }
        for (int i = 0; i < 200 && high - low > Math.ulp(high); i++) {
            double middle = (low + high) / 2;
            if (utilisation.applyAsDouble(middle) < 1) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return high;
    }

    // ---- the cost model agrees with docs/storage.md ----

    /** storage.md, "Capacity units", first table: operation -> {RCU, WCU} (leading numbers of the cells). */
    static Map<String, double[]> capacityTableOfStorageMd() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docs/storage.md"));
        int section = lines.indexOf("## Capacity units");
        assertTrue(section >= 0, "docs/storage.md has a section \"## Capacity units\"");
        Pattern leadingNumber = Pattern.compile("^\\**\\s*(\\d+(?:\\.\\d+)?)");
        Map<String, double[]> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : lines.subList(section + 1, lines.size())) {
            if (line.startsWith("| operation |")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.startsWith("| ---")) {
                continue;
            }
            if (!line.startsWith("|")) {
                break; // the end of the first table
            }
            String[] cells = line.split("\\|");
            Matcher rcu = leadingNumber.matcher(cells[3].trim());
            Matcher wcu = leadingNumber.matcher(cells[4].trim());
            if (rcu.find() && wcu.find()) {
                rows.put(cells[1].trim(), new double[] {Double.parseDouble(rcu.group(1)), Double.parseDouble(wcu.group(1))});
            }
        }
        return rows;
    }

    @Test
    void costModelMatchesTheCapacityTableOfStorageMd() throws IOException {
        Costs costs = Costs.small();
        ItemKey entry = entry(0, 0, 0, 0);
        ItemKey collection = collection(0, 0, 0);
        Map<String, Consumer<Load>> model = new LinkedHashMap<>();
        model.put("create entry (named)", load -> costs.createNamedEntry(load, entry, 1));
        model.put("update entry value", load -> costs.updateEntry(load, entry, 1));
        model.put("update entry value, with retention", load -> costs.retention(Costs.Retention.ON).updateEntry(load, entry, 1));
        model.put("rename entry", load -> costs.renameEntry(load, entry, 1));
        model.put("delete entry", load -> costs.deleteEntry(load, entry, 1));
        model.put("GET one entry (`latest`)", load -> costs.getEntryLatest(load, entry, 1));
        model.put("create collection (named)", load -> costs.createCollection(load, collection, 1));
        model.put("update / delete collection", load -> costs.changeCollection(load, collection, 1));
        model.put("GET one collection", load -> costs.getCollection(load, collection, 1));
        Map<String, double[]> table = capacityTableOfStorageMd();
        model.forEach((operation, op) -> {
            double[] documented = table.get(operation);
            assertTrue(documented != null, "docs/storage.md's capacity table has a row \"" + operation + "\"");
            Load load = new Load(costs);
            op.accept(load);
            assertEquals(documented[0], load.totalRcu(), operation + ": RCU (the collection known live)");
            assertEquals(documented[1], load.totalWcu(), operation + ": WCU");
        });

        // the partition keys are KeyLayout's; an entry change writes its collection's partition only
        Load update = new Load(costs);
        costs.updateEntry(update, entry, 1);
        assertEquals(Map.of(new Key(Space.ENTRIES, "app0#u0#c0"), 2.0), update.wcu);
        Load create = new Load(costs);
        costs.createCollection(create, collection, 1);
        assertEquals(3, create.maxWcu(Space.COLLECTIONS), "create collection: register, version, head on app#user");
        assertEquals(2, create.maxWcu(Space.INDEX), "head and version into byApplication, key app0");
        assertTrue(create.wcu.containsKey(new Key(Space.INDEX, "app0")));
    }

    @Test
    void collectionHeadsAreReadAtMostOncePerCacheMsPerInstance() {
        // 1,000 updates/s on one collection: its head read once per second by each instance
        Load one = entryUpdates(Costs.small(), 1, uniform(1), 1, 100, 1_000);
        assertEquals(1, one.maxRcu(Space.COLLECTIONS), 1e-9);
        assertEquals(0, one.maxWcu(Space.COLLECTIONS)); // entry changes write nothing under app#user
        assertEquals(3, entryUpdates(Costs.small().instances(3), 1, uniform(1), 1, 100, 1_000).maxRcu(Space.COLLECTIONS), 1e-9);
        // never more reads than operations
        assertEquals(10, entryUpdates(Costs.small().instances(100), 1, uniform(1), 1, 100, 10).maxRcu(Space.COLLECTIONS), 1e-9);
        // COLLECTION_CACHE_MS=0: every entry operation reads its collection's head
        assertEquals(1_000, entryUpdates(Costs.small().collectionCacheMs(0), 1, uniform(1), 1, 100, 1_000)
                .maxRcu(Space.COLLECTIONS), 1e-9);
    }

    // ---- findings (docs/scaling.md) ----

    @Test
    void uniformTenThousandChangesOverAThousandUsersStayUnderEveryLimit() {
        Load load = entryUpdates(Costs.small(), 1, uniform(1000), 5, 4, 10_000);
        assertTrue(load.underLimits());
        assertEquals(4, load.maxWcu(Space.ENTRIES), 1e-9); // 2 changes/s per collection x 2 WCU
        assertEquals(2, load.maxRcu(Space.ENTRIES), 1e-9); // x 1 RCU (the head read)
        assertEquals(0, load.maxWcu(Space.COLLECTIONS));
        assertEquals(5, load.maxRcu(Space.COLLECTIONS), 1e-9); // 5 collection heads, once a second each
        assertEquals(0, load.maxWcu(Space.INDEX)); // entry writes never touch the index
        assertEquals(2_500_000, saturation(load, 10_000), 1e-3);
    }

    @Test
    void sixHundredChangesOnOneCollectionExceedIt() {
        Load load = entryUpdates(Costs.small(), 1, uniform(1), 1, 100, 600);
        assertEquals(1200, load.maxWcu(Space.ENTRIES), 1e-9);
        assertEquals(600, load.maxRcu(Space.ENTRIES), 1e-9);
        assertEquals(0, load.maxWcu(Space.COLLECTIONS));
        assertFalse(load.underLimits());
        assertEquals(500, saturation(load, 600), 1e-9); // one collection: 1,000 / 2 WCU
        assertEquals(100_000, itemSaturation(load, 600), 1e-6); // each of 100 heads: 1 WCU per its change
    }

    @Test
    void oneHotEntry() {
        Load small = entryUpdates(Costs.small(), 1, uniform(1), 1, 1, 1);
        assertEquals(500, saturation(small, 1), 1e-9); // version + head: 2 WCU per change
        assertEquals(1000, itemSaturation(small, 1), 1e-9); // its head alone: 1 WCU per change
        Load retained = entryUpdates(Costs.small().retention(Costs.Retention.ON), 1, uniform(1), 1, 1, 1);
        assertEquals(1000.0 / 3, saturation(retained, 1), 1e-9); // + the expiry mark
        assertEquals(1000, itemSaturation(retained, 1), 1e-9);
        Load fourKb = entryUpdates(Costs.small().itemKb(4), 1, uniform(1), 1, 1, 1);
        assertEquals(125, saturation(fourKb, 1), 1e-9); // (4 + 4) WCU per change
        assertEquals(250, itemSaturation(fourKb, 1), 1e-9);
        Load largest = entryUpdates(Costs.small().itemKb(257), 1, uniform(1), 1, 1, 1); // MAX_BODY_BYTES default
        assertEquals(1000.0 / 514, saturation(largest, 1), 1e-9); // under 2 changes/s
        assertEquals(1000.0 / 257, itemSaturation(largest, 1), 1e-9);
    }

    @Test
    void aUsersCollectionsNoLongerShareAKey() {
        // 3 collections of one user: each takes its own 500/s; under app#user only their heads' reads
        Load load = entryUpdates(Costs.small(), 1, uniform(1), 3, 10, 1);
        assertEquals(1500, saturation(load, 1), 1e-9);
        assertEquals(30_000, itemSaturation(load, 1), 1e-6); // 30 entry heads, 1 WCU per change each
        Load busy = entryUpdates(Costs.small().instances(20), 1, uniform(1), 3, 10, 1500);
        assertEquals(0, busy.maxWcu(Space.COLLECTIONS));
        assertEquals(60, busy.maxRcu(Space.COLLECTIONS), 1e-9); // 3 heads x 20 instances x once a second
    }

    @Test
    void zipfSkewedApplicationsAreBoundByTheirBusiestCollection() {
        double[] users = zipf(10_000, 1.0);
        Load load = entryUpdates(Costs.small(), 1, users, 3, 1, 10_000);
        assertTrue(load.underLimits()); // 10,000 changes/s (applications are independent: one is enough)
        double busiestCollection = users[0] * 10_000 / 3;
        assertEquals(2 * busiestCollection, load.maxWcu(Space.ENTRIES), 1e-9);
        assertEquals(0, load.maxWcu(Space.COLLECTIONS));
        double perApplication = saturation(load, 10_000);
        assertEquals(500 * 3 / users[0], perApplication, 1e-6);
        assertTrue(perApplication > 14_500 && perApplication < 15_000, "about 14,700/s per application: " + perApplication);
        Load heavier = entryUpdates(Costs.small(), 1, zipf(10_000, 1.2), 3, 1, 10_000);
        assertFalse(heavier.underLimits(), "a steeper skew (s=1.2) breaks at 10,000/s");
        double steeper = saturation(heavier, 10_000);
        assertTrue(steeper > 7_100 && steeper < 7_300, "about 7,200/s per application: " + steeper);
    }

    @Test
    void collectionCreatesOfOneApplicationAreBoundByTheIndexKey() {
        Load load = collectionCreates(Costs.small(), 10_000, 600);
        assertTrue(load.maxWcu(Space.COLLECTIONS) < 1); // 0.06 creates/s per user
        assertEquals(1200, load.maxWcu(Space.INDEX), 1e-9);
        assertFalse(load.underLimits());
        assertEquals(500, saturation(load, 600), 1e-9); // 1,000 / 2 WCU on the key app
        // one user alone: its app#user key (3 WCU a create) binds before the index (2)
        assertEquals(1000.0 / 3, saturation(collectionCreates(Costs.small(), 1, 1), 1), 1e-9);
        // a busy application's entry writes: index untouched, whatever its rate
        assertEquals(0, entryUpdates(Costs.small(), 1, uniform(100), 1, 1, 50_000).maxWcu(Space.INDEX));
    }

    @Test
    void readsOfOneCollection() {
        Load load = latestReadsOfOneCollection(Costs.small(), 100, 5_000);
        assertEquals(5000, load.maxRcu(Space.ENTRIES), 1e-9); // all its entries' heads share app#user#collection
        assertEquals(1, load.maxRcu(Space.COLLECTIONS), 1e-9); // the collection head: once a second
        assertFalse(load.underLimits());
        assertEquals(3000, saturation(load, 5000), 1e-9);
        assertEquals(300_000, itemSaturation(load, 5000), 1e-6); // each entry head 1 RCU per its GET
        // COLLECTION_CACHE_MS=0: every GET reads the collection head too, a single item: 3,000/s even isolated
        Load uncached = latestReadsOfOneCollection(Costs.small().collectionCacheMs(0), 100, 5_000);
        assertEquals(5000, uncached.maxRcu(Space.COLLECTIONS), 1e-9);
        assertEquals(3000, itemSaturation(uncached, 5000), 1e-9);
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
        rows.add(row("one entry, 1 KB, with retention",
                entryUpdates(small.retention(Costs.Retention.ON), 1, uniform(1), 1, 1, 100), 100));
        rows.add(row("one entry, 4 KB", entryUpdates(small.itemKb(4), 1, uniform(1), 1, 1, 50), 50));
        rows.add(row("one user, 3 collections, 20 instances",
                entryUpdates(small.instances(20), 1, uniform(1), 3, 10, 300), 300));
        rows.add(row("Zipf s=1.0: 1 app, 10,000 users x 3 collections, 10,000 updates/s",
                entryUpdates(small, 1, zipf(10_000, 1.0), 3, 1, 10_000), 10_000));
        rows.add(row("Zipf s=1.2: same, 10,000 updates/s",
                entryUpdates(small, 1, zipf(10_000, 1.2), 3, 1, 10_000), 10_000));
        rows.add(row("collection creates, 1 app over 10,000 users, 600/s",
                collectionCreates(small, 10_000, 600), 600));
        rows.add(row("GET entry (latest), one collection of 100 entries, 5,000/s",
                latestReadsOfOneCollection(small, 100, 5_000), 5_000));
        rows.add(row("same, `COLLECTION_CACHE_MS=0`",
                latestReadsOfOneCollection(small.collectionCacheMs(0), 100, 5_000), 5_000));
        System.out.println("| workload | entries key WCU/s | entries key RCU/s | collections key WCU/s | collections key RCU/s"
                + " | index key WCU/s | under? | saturates at (key) | (items isolated) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
    }

    private static String row(String name, Load load, double rate) {
        double isolated = itemSaturation(load, rate);
        return String.format("| %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %s | %,.1f/s | %s |", name,
                load.maxWcu(Space.ENTRIES), load.maxRcu(Space.ENTRIES), load.maxWcu(Space.COLLECTIONS),
                load.maxRcu(Space.COLLECTIONS), load.maxWcu(Space.INDEX),
                load.underLimits() ? "yes" : "**no**", saturation(load, rate),
                Double.isInfinite(isolated) ? "n/a" : String.format("%,.1f/s", isolated));
    }
}
