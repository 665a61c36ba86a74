package dev.dynamini.bench;

import dev.dynamini.Dynamini;
import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.CommitBarrier;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.dynamo.TableNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The rerunnable benchmark (docs/performance.md): starts dynamini embedded in this JVM, seeds data
 * over HTTP, measures each operation at each concurrency over real HTTP on 127.0.0.1 together with
 * its floor (GET /health, and the raw DynamoDB calls behind it), and writes report.md and
 * report.json.
 *
 * <p>Run: {@code mvn -B -q -Pbench test-compile exec:exec -Dbench.args="--duration 2"}.
 */
public final class Benchmark {
    static final String APPLICATION = "bench-app";
    static final String API_KEY = "bench-key-0123456789";
    /** An application that keeps a change feed ("feed": true): its changes cost one index write more. */
    static final String FEED_APPLICATION = "bench-feed";
    static final String FEED_API_KEY = "bench-feed-key-0123456789";
    /** An application whose versions are indexed by time ("asOfIndex": true): asOf at any depth. */
    static final String AS_OF_APPLICATION = "bench-asof";
    static final String AS_OF_API_KEY = "bench-asof-key-0123456789";
    static final String API_KEYS = "[{\"application\":\"" + APPLICATION + "\",\"key\":\"" + API_KEY + "\"},"
            + "{\"application\":\"" + FEED_APPLICATION + "\",\"key\":\"" + FEED_API_KEY + "\",\"feed\":true},"
            + "{\"application\":\"" + AS_OF_APPLICATION + "\",\"key\":\"" + AS_OF_API_KEY + "\",\"asOfIndex\":true}]";
    static final String USER = "bench";
    static final String COLLECTION_USER = "bench-c";

    /** One measured row: an operation (HTTP, or a raw floor call) at one concurrency. */
    record Row(String id, String title, String kind, Load.Phase phase, DynamoStats dynamo) {
    }

    /** An HTTP operation; its floor is GET /health plus these raw calls. */
    record OpSpec(String id, String title, boolean change, List<String> floorCalls, Load.Workload workload, Prepare prepare) {
        OpSpec(String id, String title, boolean change, List<String> floorCalls, Load.Workload workload) {
            this(id, title, change, floorCalls, workload, null);
        }
    }

    /** Work before a slice of an operation, unmeasured (e.g. entries for DELETE to delete). */
    interface Prepare {
        /** {@code sofar}: the slices of this operation at this concurrency measured so far, or null. */
        void before(int concurrency, Load.Timing slice, Load.Phase sofar) throws Exception;
    }

    /** Everything a run found; {@link ReportWriter} turns it into report.md and report.json. */
    record Results(BenchOptions options, String storage, Map<String, String> machine, Instant started, double totalSeconds,
                   double seedSeconds, long seedRequests, List<OpSpec> ops, Map<String, String> rawTitles,
                   Map<String, Row> rows, StartupProbe.Result startup, HeapWatch.Figures heap, int valueBytes) {
        Row row(String id, int concurrency) {
            return rows.get(Load.label(id, concurrency));
        }
    }

    private Benchmark() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        if (java.util.Arrays.stream(args).anyMatch(a -> a.trim().equals("--help") || a.trim().equals("-h"))) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int code = 0;
        try {
            configureLogging(options);
            Results results = options.storage() == BenchOptions.Storage.ENDPOINT ? runEndpoint(options) : runEmbedded(options);
            ReportWriter.write(results);
            System.out.println(ReportWriter.summary(results));
            System.out.println("bench: wrote " + options.out().resolve("report.md") + " and " + options.out().resolve("report.json"));
        } catch (Throwable e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        // DynamoDB Local leaves non-daemon threads behind
        System.exit(code);
    }

    /** slf4j-simple reads these before its first logger exists: nothing has logged yet. */
    private static void configureLogging(BenchOptions options) throws Exception {
        switch (options.accessLog()) {
            case OFF -> System.setProperty("org.slf4j.simpleLogger.log.access", "warn");
            case FILE -> {
                Files.createDirectories(options.out());
                System.setProperty("org.slf4j.simpleLogger.logFile", options.out().resolve("server.log").toString());
            }
            case STDERR -> { }
        }
        System.setProperty("org.slf4j.simpleLogger.log.dev.dynamini", "info");
    }

    /** The server's default run mode: DynamoDB Local in this JVM, on disk (or in memory with --storage memory). */
    static Results runEmbedded(BenchOptions options) throws Exception {
        Files.createDirectories(options.out());
        DynamoConnection connection;
        if (options.storage() == BenchOptions.Storage.DISK) {
            StartupProbe.deleteTree(options.dataDir());
            connection = DynamoConnection.embedded(options.dataDir());
        } else {
            connection = DynamoConnection.inMemory();
        }
        try {
            return run(options, connection.client(), connection.client(), connection.commitBarrier(), connection.groupsCommits(),
                    connection.description(), "bench", Map.of());
        } finally {
            connection.close();
            if (options.storage() == BenchOptions.Storage.DISK) {
                StartupProbe.deleteTree(options.dataDir());
            }
        }
    }

    /**
     * Endpoint mode (issue 14): DynamoDB Local as an HTTP server in a JVM of its own, in memory. The
     * server is configured as operators configure it for an endpoint (DYNAMODB_ENDPOINT, AWS_REGION;
     * dummy credentials unless the environment has some: DynamoDB Local with -sharedDb accepts any), and gets the client {@link DynamoConnection#remote}
     * builds from that configuration (Apache HTTP client, the server's timeouts and retries). The raw
     * floor calls use a second client built the same way, with a connection pool of its own.
     */
    static Results runEndpoint(BenchOptions options) throws Exception {
        Files.createDirectories(options.out());
        try (LocalEndpoint local = LocalEndpoint.start(options.out())) {
            Map<String, String> env = Map.of("DYNAMODB_ENDPOINT", local.endpoint(), "AWS_REGION", "us-east-1",
                    // DynamoDB Local runs transactions one at a time: at c=16 on 2 shared cores a call can
                    // queue for long; a timeout would be an error row, not a figure
                    "DYNAMODB_TIMEOUT_MS", "30000");
            Config config = Config.from(env);
            log("DynamoDB Local at " + local.endpoint() + " (child JVM, pid " + local.pid() + ", in memory, " + LocalEndpoint.HEAP + ")");
            try (DynamoConnection server = DynamoConnection.remote(config); DynamoConnection raw = DynamoConnection.remote(config)) {
                Load.externalCpu = local::cpuNanos;
                try {
                    return run(options, server.client(), raw.client(), CommitBarrier.NONE, false,
                            "DynamoDB Local 3.3.1 at " + local.endpoint() + " (HTTP, Apache client; its own JVM, in memory, " + LocalEndpoint.HEAP + ")",
                            "bench", env);
                } finally {
                    Load.externalCpu = null;
                }
            }
        }
    }

    /**
     * Runs the benchmark on {@code client}, with server tables {@code <prefix>.collections} and
     * {@code <prefix>.entries} and raw tables {@code <prefix>-raw.*}. The client stays open.
     */
    public static Results run(BenchOptions options, DynamoDbClient client, String storage, String tablePrefix) throws Exception {
        return run(options, client, client, CommitBarrier.NONE, false, storage, tablePrefix, Map.of());
    }

    /**
     * The same, the server on {@code client} and the raw floor calls on {@code rawClient} (which may
     * be the same), with the barrier and the group commit its storage needs (embedded on disk), the
     * server's configuration completed by {@code serverEnv} (e.g. DYNAMODB_ENDPOINT).
     */
    static Results run(BenchOptions options, DynamoDbClient client, DynamoDbClient rawClient, CommitBarrier barrier, boolean groupsCommits,
                       String storage, String tablePrefix, Map<String, String> serverEnv) throws Exception {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String loadAtStart = Machine.loadAverage();
        Files.createDirectories(options.out());
        TableNames serverTables = new TableNames(tablePrefix + ".collections", tablePrefix + ".entries");
        TableNames rawTables = new TableNames(tablePrefix + "-raw.collections", tablePrefix + "-raw.entries");
        Map<String, String> env = new LinkedHashMap<>(serverEnv);
        env.putAll(Map.of("PORT", "0", "API_KEYS", API_KEYS,
                "TABLE_NAME_COLLECTIONS", serverTables.collections(), "TABLE_NAME_ENTRIES", serverTables.entries()));
        Config config = Config.from(env);
        DynamoTap tap = new DynamoTap();
        Map<String, Row> rows = new LinkedHashMap<>();
        StartupProbe.Result startup = null;
        HeapWatch.Figures heapFigures;
        double seedSeconds;
        long seedRequests;
        List<OpSpec> ops;
        Map<String, String> rawTitles = new LinkedHashMap<>();
        String value = value(options.valueBytes(), 0);
        try (HeapWatch heap = new HeapWatch();
             Dynamini server = Dynamini.start(config, ApiKeys.load(config),
                     DynamoConnection.borrowed(tap.wrap(client), storage, barrier, groupsCommits), tap)) {
            BenchHttp http = new BenchHttp("http://127.0.0.1:" + server.port(), API_KEY);
            BenchHttp feedHttp = new BenchHttp("http://127.0.0.1:" + server.port(), FEED_API_KEY);
            BenchHttp asOfHttp = new BenchHttp("http://127.0.0.1:" + server.port(), AS_OF_API_KEY);
            log("server on 127.0.0.1:" + server.port() + " with " + storage + " (FEED_SETTLE_MS " + config.feedSettle().toMillis() + ")");

            long seedStart = System.nanoTime();
            Seed seed = seed(options, http, feedHttp, asOfHttp, config.feedSettle());
            seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            seedRequests = seed.requests;
            log(String.format("seeded %d requests in %.1f s", seedRequests, seedSeconds));

            RawDynamo raw = new RawDynamo(rawClient, barrier, serverTables, rawTables, seed.data, value, options.versionsLimit());
            raw.prepare();
            ops = operations(options, http, feedHttp, asOfHttp, seed);

            if (options.timed() && !options.globalWarmup().isZero()) {
                Load.run("globalwarmup", Math.min(4, options.maxConcurrency()),
                        new Load.Timing(java.time.Duration.ZERO, options.globalWarmup(), 0, 0), mixedReads(ops));
                log("warmed up");
            }

            Map<String, java.util.function.Function<DynamoStats, Load.Workload>> floors = new LinkedHashMap<>();
            floors.put("rawGetItem", raw::getItem);
            floors.put("rawBatchGet2", raw::batchGetEntryAndCollection);
            floors.put("rawQueryHeadsShallow", s -> raw.queryHeads(s, false));
            floors.put("rawQueryHeadsDeep", s -> raw.queryHeads(s, true));
            floors.put("rawQueryAllVersions", raw::queryAllVersions);
            floors.put("rawQueryVersionsPage", raw::queryVersionsPage);
            floors.put("rawQueryVersionsSince", raw::queryVersionsSince);
            floors.put("rawFeedQuery", s -> raw.feedQuery(s, false));
            floors.put("rawFeedBatchGet", raw::feedBatchGet);
            floors.put("rawFeedQueryEmpty", s -> raw.feedQuery(s, true));
            floors.put("rawPutItem", raw::putItem);
            floors.put("rawPutItemFeed", raw::putItemFeed);
            floors.put("rawTxUpdate", raw::transactUpdate);
            floors.put("rawTxCreateEntry", raw::transactCreateEntry);
            if (barrier != CommitBarrier.NONE) {
                // the price of "a 2xx means durable" in embedded mode, next to the bare transaction
                floors.put("rawTxCreateEntryDurable", raw::transactCreateEntryDurable);
            }
            floors.put("rawTxDeleteEntry", raw::transactDeleteEntry);
            floors.put("rawTxRename", raw::transactRename);
            floors.put("rawTxCreateCollection", raw::transactCreateCollection);
            rawTitles.put("rawGetItem", "GetItem: 1 entry head, strongly consistent");
            rawTitles.put("rawBatchGet2", "BatchGetItem: entry head + collection head");
            rawTitles.put("rawQueryHeadsShallow", "Query: " + options.entries() + " heads (1 version each)");
            rawTitles.put("rawQueryHeadsDeep", "Query: " + options.entries() + " heads (" + options.depth() + " versions each)");
            rawTitles.put("rawQueryAllVersions", "Query: all " + options.depth() + " versions of 1 entry");
            rawTitles.put("rawQueryVersionsPage", "Query: newest " + (options.versionsLimit() + 1) + " versions of 1 entry");
            rawTitles.put("rawQueryVersionsSince", "Query: versions " + options.depth() + " down to " + seed.data.midVersion()
                    + " of 1 entry, newest first (" + (options.depth() - seed.data.midVersion() + 1) + " items)");
            rawTitles.put("rawFeedQuery", "Query: byChange index (keys only), " + options.entries() + " changes of 1 collection");
            rawTitles.put("rawFeedBatchGet", "BatchGetItem: " + raw.feedBatchKeys() + " keys (versions + heads of changes), strongly consistent");
            rawTitles.put("rawFeedQueryEmpty", "Query: byChange index (keys only), nothing after the token");
            rawTitles.put("rawPutItem", "PutItem: 1 new item of an entry's size (attribute_not_exists)");
            rawTitles.put("rawPutItemFeed", "PutItem: 1 new version item carrying a feed position (table + byChange index)");
            rawTitles.put("rawTxUpdate", "TransactWriteItems: Put head + Put version + ConditionCheck collection");
            rawTitles.put("rawTxCreateEntry", "TransactWriteItems: Put head + Put version + Put name + ConditionCheck");
            if (floors.containsKey("rawTxCreateEntryDurable")) {
                rawTitles.put("rawTxCreateEntryDurable", "the same TransactWriteItems, then the durability barrier (GetItem of the head's version)");
            }
            rawTitles.put("rawTxDeleteEntry", "TransactWriteItems: Put head + Put version + Delete name + ConditionCheck");
            rawTitles.put("rawTxRename", "TransactWriteItems: Put head + Put version + Delete old name + Put new name + ConditionCheck");
            rawTitles.put("rawTxCreateCollection", "TransactWriteItems: Put head + Put version + Put name (collections table, with index)");

            // Each row is measured in slices, and the slices of all rows at one concurrency take
            // turns (round 1: every row, round 2: every row, ...), so that an operation and its
            // floors see the same moments of a machine whose speed drifts.
            Load.Timing slice = options.slice();
            for (int concurrency : options.concurrency()) {
                heap.underLoad(concurrency == options.maxConcurrency());
                Map<String, Load.Phase> merged = new LinkedHashMap<>();
                Map<String, DynamoStats> rawStats = new LinkedHashMap<>();
                floors.keySet().forEach(id -> rawStats.put(id, new DynamoStats()));
                for (int round = 1; round <= options.slices(); round++) {
                    Load.Phase health = Load.run("health", concurrency, slice,
                            w -> (rid, measured) -> http.send("GET", "/health", null, rid, null).status());
                    merged.merge("health", health, Load::merge);
                    for (var floor : floors.entrySet()) {
                        Load.Phase phase = Load.run(floor.getKey(), concurrency, slice, floor.getValue().apply(rawStats.get(floor.getKey())));
                        merged.merge(floor.getKey(), phase, Load::merge);
                    }
                    for (OpSpec op : ops) {
                        if (op.prepare() != null) {
                            op.prepare().before(concurrency, slice, merged.get(op.id()));
                        }
                        Load.Phase phase = Load.run(op.id(), concurrency, slice, op.workload());
                        merged.merge(op.id(), phase, Load::merge);
                    }
                }
                Load.Phase health = merged.get("health");
                rows.put(health.id(), new Row("health", "GET /health (HTTP floor)", "floor", health, tap.stats(health.id())));
                log(line(health));
                for (String id : floors.keySet()) {
                    Load.Phase phase = merged.get(id);
                    rows.put(phase.id(), new Row(id, rawTitles.get(id), "raw", phase, rawStats.get(id)));
                    log(line(phase));
                }
                for (OpSpec op : ops) {
                    Load.Phase phase = merged.get(op.id());
                    rows.put(phase.id(), new Row(op.id(), op.title(), "http", phase, tap.stats(phase.id())));
                    log(line(phase));
                }
                heap.underLoad(false);
            }
            heapFigures = heap.figures();
        }
        tap.stats("seed"); // the server has stopped: every request's record is in
        if (options.startupRuns() > 0) {
            startup = StartupProbe.measure(options, API_KEYS);
            log(String.format("start-up: median %.2f s (%s)", startup.medianSeconds(), startup.method()));
        }
        double total = (System.nanoTime() - t0) / 1e9;
        Map<String, String> machine = Machine.describe();
        machine.put("loadAverage", "1/5/15 min " + loadAtStart + " at start, " + machine.get("loadAverage") + " at end");
        return new Results(options, storage, machine, started, total, seedSeconds, seedRequests, ops, rawTitles,
                rows, startup, heapFigures, options.valueBytes());
    }

    private static String line(Load.Phase p) {
        return String.format("%-28s %8.0f ops/s  p50 %7.3f ms  p99 %7.3f ms  (%d ops%s)", p.id(), p.throughput(),
                p.millisAt(50), p.millisAt(99), p.count(), p.errors() > 0 ? ", " + p.errors() + " errors: " + p.firstError() : "");
    }

    static void log(String message) {
        System.out.println("bench: " + message);
    }

    // ---- data -----------------------------------------------------------------------------------

    /** A JSON object of about {@code bytes} bytes: {"text": "...", "n": n}. */
    static String value(int bytes, long n) {
        int textLength = Math.max(1, bytes - 20);
        StringBuilder text = new StringBuilder(textLength);
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
        while (text.length() < textLength) {
            text.append(words, 0, Math.min(words.length(), textLength - text.length()));
        }
        return "{\"text\":\"" + text + "\",\"n\":" + n + "}";
    }

    private static final class Seed {
        RawDynamo.Seeded data;
        String writesCollection;
        List<String> putTargets;
        List<String> ifMatchTargets;
        List<String> renameTargets;
        AtomicLongArray ifMatchVersions;
        long requests;
        /** An instant after every seeded version (for asOf listings). */
        Instant seededAt;
        /** An instant after version midVersion of every deep entry (and every shallow one), before any later version. */
        Instant midAt;
        /** The time-indexed application's collections: entries of 2 versions, and of depth versions. */
        String indexedTwo;
        String indexedDeep;
        /** The feed application's collection of PUT targets, one per worker. */
        String feedWritesCollection;
        List<String> feedPutTargets;
        /** A feed token of the feed collection taken before its entries were written: a page of all of them. */
        String feedFrom;
        /** A feed token of the feed collection taken after its entries settled: nothing comes after it. */
        String feedQuiet;
    }

    private static String entriesPath(String collection) {
        return "/api/user/" + USER + "/collection/" + collection + "/entry";
    }

    private static final AtomicLong SEED_IDS = new AtomicLong();

    private static String seedId() {
        return DynamoTap.ID_PREFIX + "seed." + SEED_IDS.incrementAndGet();
    }

    private static String collection(BenchHttp http, String name) {
        return http.post("/api/user/" + USER + "/collection", "{\"name\":\"" + name + "\"}", seedId())
                .expect(201, 200).json().path("meta").path("collection").asText();
    }

    private static String createEntry(BenchHttp http, String collection, String name, String value) {
        return createEntry(http, collection, name, value, null);
    }

    /** The same, noting the new version's updatedAt in {@code stamps} (the latest, in epoch ms). */
    private static String createEntry(BenchHttp http, String collection, String name, String value, LongAccumulator stamps) {
        com.fasterxml.jackson.databind.JsonNode meta = http.post(entriesPath(collection), "{\"name\":\"" + name + "\",\"value\":" + value + "}",
                seedId()).expect(201).json().path("meta");
        note(meta, stamps);
        return meta.path("entry").asText();
    }

    private static void note(com.fasterxml.jackson.databind.JsonNode meta, LongAccumulator stamps) {
        if (stamps != null) {
            stamps.accumulate(Instant.parse(meta.path("updatedAt").asText()).toEpochMilli());
        }
    }

    /** PUTs of versions {@code from..to} of a deep entry, noting their stamps. */
    private static void putVersions(BenchOptions options, BenchHttp http, String collection, String id, int from, int to, LongAccumulator stamps) {
        for (int v = from; v <= to; v++) {
            note(http.send("PUT", entriesPath(collection) + "/" + id, "{\"value\":" + value(options.valueBytes(), v) + "}", seedId(), null)
                    .expect(200).json().path("meta"), stamps);
        }
    }

    /**
     * An instant after every stamp noted so far (the server's clock may run a version's stamp ahead
     * of the wall clock by a millisecond per version, {@code Item.next}), and returns only once the
     * clock has passed it, so that every later version is newer.
     */
    private static Instant after(LongAccumulator stamps) throws InterruptedException {
        long at = Math.max(stamps.get() + 1, System.currentTimeMillis());
        while (System.currentTimeMillis() <= at) {
            Thread.sleep(1);
        }
        return Instant.ofEpochMilli(at);
    }

    private static void runAll(ExecutorService pool, List<java.util.concurrent.Callable<Object>> tasks) throws Exception {
        List<Future<Object>> work = new ArrayList<>();
        for (var task : tasks) {
            work.add(pool.submit(task));
        }
        for (Future<?> f : work) {
            f.get();
        }
    }

    /**
     * Over HTTP: a shallow collection (entries with 1 version), a deep one (entries with {@code depth}
     * versions, written in two halves around {@link Seed#midAt}), a collection for writes with one PUT
     * target per worker, and, in the feed application, a collection of {@code entries} entries (its
     * change feed) and one of PUT targets.
     */
    private static Seed seed(BenchOptions options, BenchHttp http, BenchHttp feedHttp, BenchHttp asOfHttp, java.time.Duration feedSettle)
            throws Exception {
        long before = SEED_IDS.get();
        Seed seed = new Seed();
        int n = options.entries();
        int mid = options.depth() / 2;
        // the feed application first, so that its changes settle (FEED_SETTLE_MS) while the rest is seeded
        String feed = collection(feedHttp, "feed");
        seed.feedWritesCollection = collection(feedHttp, "feed-writes");
        seed.feedFrom = feedHttp.get(entriesPath(feed) + "?since=now", seedId()).expect(200).header("X-Next-Since");
        if (seed.feedFrom == null) {
            throw new IllegalStateException("the feed answered without X-Next-Since");
        }
        String shallow = collection(http, "shallow");
        String deep = collection(http, "deep");
        // the time-indexed application: entries of 2 versions and of depth versions, each changed after midAt
        seed.indexedTwo = collection(asOfHttp, "indexed-two");
        seed.indexedDeep = collection(asOfHttp, "indexed-deep");
        String[] indexedTwoIds = new String[n];
        String[] indexedDeepIds = new String[n];
        seed.writesCollection = collection(http, "writes");
        String[] feedIds = new String[n];
        String[] shallowIds = new String[n];
        String[] deepIds = new String[n];
        LongAccumulator feedStamps = new LongAccumulator(Math::max, 0);
        LongAccumulator stamps = new LongAccumulator(Math::max, 0);
        ExecutorService pool = Executors.newFixedThreadPool(options.seedConcurrency());
        try {
            List<java.util.concurrent.Callable<Object>> first = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                first.add(() -> feedIds[k] = createEntry(feedHttp, feed, "f-" + k, value(options.valueBytes(), 1), feedStamps));
                first.add(() -> shallowIds[k] = createEntry(http, shallow, "s-" + k, value(options.valueBytes(), 1), stamps));
                first.add(() -> {
                    String id = createEntry(http, deep, "d-" + k, value(options.valueBytes(), 1), stamps);
                    putVersions(options, http, deep, id, 2, mid, stamps);
                    return deepIds[k] = id;
                });
                first.add(() -> indexedTwoIds[k] = createEntry(asOfHttp, seed.indexedTwo, "t-" + k, value(options.valueBytes(), 1), stamps));
                first.add(() -> {
                    String id = createEntry(asOfHttp, seed.indexedDeep, "d-" + k, value(options.valueBytes(), 1), stamps);
                    putVersions(options, asOfHttp, seed.indexedDeep, id, 2, mid, stamps);
                    return indexedDeepIds[k] = id;
                });
            }
            runAll(pool, first);
            // mid-history: every shallow entry and versions 1..mid of every deep entry are older, the rest newer
            seed.midAt = after(stamps);
            List<java.util.concurrent.Callable<Object>> second = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                second.add(() -> {
                    putVersions(options, http, deep, deepIds[k], mid + 1, options.depth(), stamps);
                    return null;
                });
                second.add(() -> {
                    putVersions(options, asOfHttp, seed.indexedTwo, indexedTwoIds[k], 2, 2, stamps);
                    putVersions(options, asOfHttp, seed.indexedDeep, indexedDeepIds[k], mid + 1, options.depth(), stamps);
                    return null;
                });
            }
            runAll(pool, second);
        } finally {
            pool.shutdownNow();
        }
        seed.putTargets = new ArrayList<>();
        seed.ifMatchTargets = new ArrayList<>();
        seed.renameTargets = new ArrayList<>();
        seed.feedPutTargets = new ArrayList<>();
        seed.ifMatchVersions = new AtomicLongArray(options.maxConcurrency());
        for (int w = 0; w < options.maxConcurrency(); w++) {
            seed.putTargets.add(createEntry(http, seed.writesCollection, "put-" + w, value(options.valueBytes(), 1)));
            seed.ifMatchTargets.add(createEntry(http, seed.writesCollection, "ifmatch-" + w, value(options.valueBytes(), 1)));
            seed.ifMatchVersions.set(w, 1);
            seed.renameTargets.add(createEntry(http, seed.writesCollection, "rename-" + w, value(options.valueBytes(), 1)));
            seed.feedPutTargets.add(createEntry(feedHttp, seed.feedWritesCollection, "put-" + w, value(options.valueBytes(), 1)));
        }
        seed.seededAt = after(stamps);
        // a token after the feed collection's last change, once that change is past FEED_SETTLE_MS
        long quiet = feedStamps.get() + 1 + feedSettle.toMillis();
        while (System.currentTimeMillis() <= quiet) {
            Thread.sleep(Math.max(1, quiet - System.currentTimeMillis() + 1));
        }
        Instant quietAt = Instant.now().minus(feedSettle);
        seed.feedQuiet = feedHttp.get(entriesPath(feed) + "?since=now", seedId()).expect(200).header("X-Next-Since");
        seed.data = new RawDynamo.Seeded(APPLICATION, USER, shallow, List.of(shallowIds), deep, List.of(deepIds), options.depth(), mid,
                FEED_APPLICATION, feed, List.of(feedIds), quietAt);
        seed.requests = SEED_IDS.get() - before;
        return seed;
    }

    private static String pick(List<String> ids) {
        return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    // ---- the operations -------------------------------------------------------------------------

    private static List<OpSpec> operations(BenchOptions options, BenchHttp http, BenchHttp feedHttp, BenchHttp asOfHttp, Seed seed) {
        RawDynamo.Seeded d = seed.data;
        String writes = entriesPath(seed.writesCollection);
        ConcurrentLinkedQueue<String> deletable = new ConcurrentLinkedQueue<>();
        AtomicLong names = new AtomicLong();
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<OpSpec> ops = new ArrayList<>();

        ops.add(new OpSpec("getEntry", "GET one entry (filter=latest)", false, List.of("rawBatchGet2"),
                w -> (rid, m) -> http.get(entriesPath(d.shallowCollection()) + "/" + pick(d.shallowEntries()), rid).status()));
        // the one-GetItem read: filter=current does not consult the collection (docs/storage.md)
        ops.add(new OpSpec("getEntryCurrent", "GET one entry (filter=current)", false, List.of("rawGetItem"),
                w -> (rid, m) -> http.get(entriesPath(d.shallowCollection()) + "/" + pick(d.shallowEntries()) + "?filter=current", rid).status()));
        ops.add(new OpSpec("listLatest", "list latest entries, " + options.entries() + " entries x 1 version", false,
                List.of("rawGetItem", "rawQueryHeadsShallow"), listing(http, entriesPath(d.shallowCollection()), options.entries())));
        ops.add(new OpSpec("listLatestDeep", "list latest entries, " + options.entries() + " entries x " + options.depth() + " versions", false,
                List.of("rawGetItem", "rawQueryHeadsDeep"), listing(http, entriesPath(d.deepCollection()), options.entries())));
        // as of an instant after the seeding: every item unchanged since, so history depth must cost nothing
        String asOf = "?asOf=" + seed.seededAt;
        ops.add(new OpSpec("listAsOf", "list entries asOf (after seeding), " + options.entries() + " entries x 1 version", false,
                List.of("rawGetItem", "rawQueryHeadsShallow"), listing(http, entriesPath(d.shallowCollection()) + asOf, options.entries())));
        ops.add(new OpSpec("listAsOfDeep", "list entries asOf (after seeding), " + options.entries() + " entries x " + options.depth() + " versions", false,
                List.of("rawGetItem", "rawQueryHeadsDeep"), listing(http, entriesPath(d.deepCollection()) + asOf, options.entries())));
        // as of an instant in the middle of the deep collection's history: after version mid of every
        // entry; each deep item is then read back from its head through the versions written since
        String asOfMid = "?asOf=" + seed.midAt;
        int mid = d.midVersion();
        ops.add(new OpSpec("listAsOfMid", "list entries asOf (mid-history), " + options.entries() + " entries x 1 version", false,
                List.of("rawGetItem", "rawQueryHeadsShallow"),
                listingAt(http, entriesPath(d.shallowCollection()) + asOfMid, options.entries(), 1)));
        List<String> deepAsOfFloor = new ArrayList<>(List.of("rawGetItem", "rawQueryHeadsDeep"));
        deepAsOfFloor.addAll(java.util.Collections.nCopies(options.entries(), "rawQueryVersionsSince"));
        ops.add(new OpSpec("listAsOfMidDeep", "list entries asOf (after version " + mid + " of " + options.depth() + "), "
                + options.entries() + " entries x " + options.depth() + " versions", false,
                deepAsOfFloor, listingAt(http, entriesPath(d.deepCollection()) + asOfMid, options.entries(), mid)));
        // the same instant in the application with the time index: every entry changed since, at
        // depth 2 and at depth `depth`, each read in a Query of the index and two BatchGetItems
        ops.add(new OpSpec("listAsOfMidIndexedTwo", "list entries asOf (after version 1 of 2), time index, " + options.entries()
                + " entries x 2 versions", false, List.of("rawGetItem", "rawQueryHeadsShallow"),
                listingAt(asOfHttp, entriesPath(seed.indexedTwo) + asOfMid, options.entries(), 1)));
        ops.add(new OpSpec("listAsOfMidIndexedDeep", "list entries asOf (after version " + mid + " of " + options.depth() + "), time index, "
                + options.entries() + " entries x " + options.depth() + " versions", false, List.of("rawGetItem", "rawQueryHeadsDeep"),
                listingAt(asOfHttp, entriesPath(seed.indexedDeep) + asOfMid, options.entries(), mid)));
        // the change feed (application with "feed": true): a page of every change of a collection,
        // and a poll after its last change
        String feedPath = entriesPath(d.feedCollection());
        List<String> feedFloor = new ArrayList<>(List.of("rawFeedQuery"));
        feedFloor.addAll(java.util.Collections.nCopies(RawDynamo.feedBatches(options.entries()), "rawFeedBatchGet"));
        ops.add(new OpSpec("feedPage", "change feed: page of " + options.entries() + " changes (since a token, limit=" + options.entries() + ")",
                false, feedFloor, feedRead(feedHttp, feedPath + "?since=" + BenchHttp.encode(seed.feedFrom) + "&limit=" + options.entries(),
                        options.entries())));
        ops.add(new OpSpec("feedPoll", "change feed: poll with nothing new (since a token at now)", false, List.of("rawFeedQueryEmpty"),
                feedRead(feedHttp, feedPath + "?since=" + BenchHttp.encode(seed.feedQuiet), 0)));
        ops.add(new OpSpec("getEntryAll", "GET one entry, filter=all (" + options.depth() + " versions)", false,
                List.of("rawQueryAllVersions"),
                w -> (rid, m) -> http.get(entriesPath(d.deepCollection()) + "/" + pick(d.deepEntries()) + "?filter=all", rid).status()));
        ops.add(new OpSpec("versionsPage", "versions page (limit=" + options.versionsLimit() + ", order=desc)", false,
                List.of("rawQueryVersionsPage"),
                w -> (rid, m) -> http.get(entriesPath(d.deepCollection()) + "/" + pick(d.deepEntries())
                        + "/versions?limit=" + options.versionsLimit() + "&order=desc", rid).status()));
        ops.add(new OpSpec("postEntry", "POST entry (name + value)", true, List.of("rawTxCreateEntry"),
                w -> (rid, m) -> {
                    BenchHttp.Answer a = http.post(writes, "{\"name\":\"p-" + run + "-" + names.incrementAndGet() + "\",\"value\":"
                            + value(options.valueBytes(), 1) + "}", rid);
                    if (a.status() == 201) {
                        deletable.add(a.json().path("meta").path("entry").asText());
                    }
                    return a.status();
                }));
        ops.add(new OpSpec("putEntry", "PUT entry (value), no If-Match", true, List.of("rawGetItem", "rawTxUpdate"),
                w -> {
                    String target = writes + "/" + seed.putTargets.get(w);
                    long[] n = {0};
                    return (rid, m) -> http.send("PUT", target, "{\"value\":" + value(options.valueBytes(), ++n[0]) + "}", rid, null).status();
                }));
        // the same PUT in the application that keeps a change feed: its version is also written to the byChange index
        String feedWrites = entriesPath(seed.feedWritesCollection);
        ops.add(new OpSpec("putEntryFeed", "PUT entry (value), no If-Match, feed application", true, List.of("rawGetItem", "rawTxUpdate"),
                w -> {
                    String target = feedWrites + "/" + seed.feedPutTargets.get(w);
                    long[] n = {0};
                    return (rid, m) -> feedHttp.send("PUT", target, "{\"value\":" + value(options.valueBytes(), ++n[0]) + "}", rid, null).status();
                }));
        ops.add(new OpSpec("putEntryIfMatch", "PUT entry (value) with If-Match", true, List.of("rawGetItem", "rawTxUpdate"),
                w -> {
                    String target = writes + "/" + seed.ifMatchTargets.get(w);
                    return (rid, m) -> {
                        long current = seed.ifMatchVersions.get(w);
                        BenchHttp.Answer a = http.send("PUT", target, "{\"value\":" + value(options.valueBytes(), current + 1) + "}", rid,
                                "\"" + current + "\"");
                        if (a.status() == 200 || a.status() == 412) {
                            seed.ifMatchVersions.set(w, a.etagVersion());
                        }
                        return a.status();
                    };
                }));
        // a rename: PUT of a new name only (the value is kept), one target per worker
        ops.add(new OpSpec("renameEntry", "PUT entry (new name only): rename", true, List.of("rawGetItem", "rawTxRename"),
                w -> {
                    String target = writes + "/" + seed.renameTargets.get(w);
                    return (rid, m) -> http.send("PUT", target, "{\"name\":\"r-" + run + "-" + names.incrementAndGet() + "\"}", rid, null)
                            .status();
                }));
        // DELETE deletes what POST made; before each slice the pool is topped up (unmeasured) to
        // what a slice at that concurrency deletes, going by the slices so far, with room to spare
        ops.add(new OpSpec("deleteEntry", "DELETE entry", true, List.of("rawGetItem", "rawTxDeleteEntry"),
                w -> (rid, m) -> {
                    String id = deletable.poll();
                    return id == null ? Load.NO_WORK : http.send("DELETE", writes + "/" + id, null, rid, null).status();
                },
                (concurrency, slice, sofar) -> {
                    long want;
                    if (slice.timed()) {
                        double rate = sofar == null || sofar.count() == 0 ? 400 : sofar.throughput();
                        double seconds = (slice.warmup().toMillis() + slice.duration().toMillis()) / 1000.0;
                        want = 2L * concurrency + (long) Math.ceil(1.5 * rate * seconds);
                    } else {
                        want = (long) concurrency * (slice.ops() + slice.warmupOps());
                    }
                    topUp(options, http, writes, deletable, want, run, names);
                }));
        ops.add(new OpSpec("createCollection", "create collection", true, List.of("rawTxCreateCollection"),
                w -> (rid, m) -> http.post("/api/user/" + COLLECTION_USER + "/collection",
                        "{\"name\":\"c-" + run + "-" + names.incrementAndGet() + "\"}", rid).status()));
        return ops;
    }

    /** Creates entries (unmeasured, in parallel) until the pool holds {@code want}. */
    private static void topUp(BenchOptions options, BenchHttp http, String writes, ConcurrentLinkedQueue<String> pool, long want,
                              String run, AtomicLong names) throws Exception {
        long missing = want - pool.size();
        if (missing <= 0) {
            return;
        }
        ExecutorService workers = Executors.newFixedThreadPool(options.seedConcurrency());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (long i = 0; i < missing; i++) {
                work.add(workers.submit(() -> {
                    BenchHttp.Answer a = http.post(writes, "{\"name\":\"p-" + run + "-" + names.incrementAndGet() + "\",\"value\":"
                            + value(options.valueBytes(), 1) + "}", seedId()).expect(201);
                    pool.add(a.json().path("meta").path("entry").asText());
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /** A listing; each worker checks once (unmeasured) that it returns every entry. */
    private static Load.Workload listing(BenchHttp http, String path, int expected) {
        java.util.Set<Integer> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return w -> {
            if (checked.add(w)) {
                BenchHttp.Answer first = http.get(path, DynamoTap.ID_PREFIX + "check." + w).expect(200);
                if (first.json().size() != expected) {
                    throw new IllegalStateException(path + " listed " + first.json().size() + " entries, expected " + expected);
                }
            }
            return (rid, m) -> http.get(path, rid).status();
        };
    }

    /**
     * A listing as of an instant; each worker checks once (unmeasured) that it returns every entry,
     * each at {@code version}.
     */
    private static Load.Workload listingAt(BenchHttp http, String path, int expected, long version) {
        java.util.Set<Integer> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return w -> {
            if (checked.add(w)) {
                com.fasterxml.jackson.databind.JsonNode items = http.get(path, DynamoTap.ID_PREFIX + "check." + w).expect(200).json();
                if (items.size() != expected) {
                    throw new IllegalStateException(path + " listed " + items.size() + " entries, expected " + expected);
                }
                for (com.fasterxml.jackson.databind.JsonNode item : items) {
                    if (item.path("meta").path("version").asLong() != version) {
                        throw new IllegalStateException(path + " listed version " + item.path("meta").path("version") + ", expected " + version);
                    }
                }
            }
            return (rid, m) -> http.get(path, rid).status();
        };
    }

    /** A read of a change feed; each worker checks once (unmeasured) that it returns {@code expected} changes and no more. */
    private static Load.Workload feedRead(BenchHttp http, String path, int expected) {
        java.util.Set<Integer> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return w -> {
            if (checked.add(w)) {
                BenchHttp.Answer first = http.get(path, DynamoTap.ID_PREFIX + "check." + w).expect(200);
                if (first.json().size() != expected || !"false".equals(first.header("X-More-Changes"))) {
                    throw new IllegalStateException(path + " gave " + first.json().size() + " changes (X-More-Changes "
                            + first.header("X-More-Changes") + "), expected " + expected + " and no more");
                }
            }
            return (rid, m) -> http.get(path, rid).status();
        };
    }

    private static Load.Workload mixedReads(List<OpSpec> ops) {
        List<OpSpec> reads = ops.stream().filter(o -> !o.change()).toList();
        return w -> {
            List<Load.Call> calls = new ArrayList<>();
            for (OpSpec op : reads) {
                calls.add(op.workload().worker(w));
            }
            int[] next = {0};
            return (rid, m) -> calls.get(next[0]++ % calls.size()).run(rid, m);
        };
    }
}
