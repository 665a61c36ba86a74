package dev.dynamini.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The targets of issue 5, each judged met or not with the figure behind the verdict. */
final class Targets {
    /** met is null when the run did not measure it. */
    record Target(String name, String goal, String figure, Boolean met) {
    }

    static final double MIB = 1024.0 * 1024.0;

    private Targets() {
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** p50 of the HTTP floor plus the p50s of the given raw calls, at one concurrency. */
    static double floorMillis(Benchmark.Results r, List<String> rawCalls, int concurrency) {
        Benchmark.Row health = r.row("health", concurrency);
        double sum = health == null ? Double.NaN : health.phase().millisAt(50);
        for (String call : rawCalls) {
            Benchmark.Row raw = r.row(call, concurrency);
            sum += raw == null ? Double.NaN : raw.phase().millisAt(50);
        }
        return sum;
    }

    /** CPU ms of GET /health plus those of the given raw calls, per operation, at one concurrency. */
    static double floorCpuMillis(Benchmark.Results r, List<String> rawCalls, int concurrency) {
        Benchmark.Row health = r.row("health", concurrency);
        double sum = health == null ? Double.NaN : health.phase().cpuMillisPerOp();
        for (String call : rawCalls) {
            Benchmark.Row raw = r.row(call, concurrency);
            sum += raw == null ? Double.NaN : raw.phase().cpuMillisPerOp();
        }
        return sum;
    }

    static List<Target> evaluate(Benchmark.Results r) {
        List<Target> targets = new ArrayList<>();
        List<Integer> levels = r.options().concurrency();
        int low = levels.get(0);

        // history depth: list-latest read units at depth N over depth 1
        Benchmark.Row shallow = r.row("listLatest", low);
        Benchmark.Row deep = r.row("listLatestDeep", low);
        double ratio = deep.dynamo().readUnitsPerOp() / shallow.dynamo().readUnitsPerOp();
        targets.add(new Target("list latest: read units, depth " + r.options().depth() + " / depth 1", "<= 1.05",
                f("%.2f / %.2f RCU = %.3f", deep.dynamo().readUnitsPerOp(), shallow.dynamo().readUnitsPerOp(), ratio), ratio <= 1.05));

        // GET one entry
        for (int c : levels) {
            Benchmark.Row get = r.row("getEntry", c);
            targets.add(new Target("GET one entry: DynamoDB requests (c=" + c + ")", "1",
                    f("%.2f per request (max %d)", get.dynamo().requestsPerOp(), get.dynamo().maxRequests()),
                    get.dynamo().maxRequests() == 1 && get.dynamo().requestsPerOp() == 1.0));
        }
        Benchmark.Row get = r.row("getEntry", low);
        targets.add(new Target("GET one entry: read units (value ~" + r.valueBytes() + " B, item < 4 KB)", "<= 1 RCU",
                f("%.2f RCU (BatchGetItem: entry head + collection head, strongly consistent)", get.dynamo().readUnitsPerOp()),
                get.dynamo().readUnitsPerOp() <= 1.0));
        for (int c : levels) {
            Benchmark.Row g = r.row("getEntry", c);
            double floor = floorMillis(r, List.of("rawGetItem"), c);
            double p50 = g.phase().millisAt(50);
            targets.add(new Target("GET one entry: p50 vs (HTTP floor + raw GetItem) (c=" + c + ")", "<= 1.25 x",
                    f("%.3f ms / %.3f ms = %.2f x", p50, floor, p50 / floor), p50 <= 1.25 * floor));
        }

        // changes: at most 1 read request + 1 write request
        for (Benchmark.OpSpec op : r.ops()) {
            if (!op.change()) {
                continue;
            }
            int maxReads = 0;
            int maxWrites = 0;
            StringBuilder calls = new StringBuilder();
            for (int c : levels) {
                DynamoStats s = r.row(op.id(), c).dynamo();
                maxReads = Math.max(maxReads, s.maxReadRequests());
                maxWrites = Math.max(maxWrites, s.maxWriteRequests());
                if (calls.length() == 0) {
                    calls.append(s.signature());
                }
            }
            targets.add(new Target(op.title() + ": DynamoDB requests per change", "<= 1 read + 1 write",
                    f("at most %d read + %d write (%s)", maxReads, maxWrites, calls), maxReads <= 1 && maxWrites <= 1));
        }

        // start-up
        if (r.startup() != null && !r.startup().runs().isEmpty()) {
            StartupProbe.Result s = r.startup();
            targets.add(new Target("embedded start-up to /health answering", "<= 3 s",
                    f("median %.2f s, slowest %.2f s over %d runs (%s)", s.medianSeconds(), s.maxSeconds(), s.runs().size(),
                            s.jar() != null ? "java -jar" : "in-process"), s.maxSeconds() <= 3.0));
        } else {
            targets.add(new Target("embedded start-up to /health answering", "<= 3 s", "not measured (--startup-runs 0)", null));
        }

        // heap
        HeapWatch.Figures h = r.heap();
        if (h.samplesUnderLoad() > 0) {
            targets.add(new Target("heap while the benchmark runs at concurrency " + r.options().maxConcurrency(), "< 512 MB",
                    f("peak used %.0f MiB (live after GC %.0f MiB; -Xmx %.0f MiB; whole JVM: server, DynamoDB Local and load generator)",
                            h.maxUsedUnderLoad() / MIB, h.maxAfterGcUnderLoad() / MIB, h.maxHeapBytes() / MIB),
                    h.maxUsedUnderLoad() < 512 * MIB));
        } else {
            targets.add(new Target("heap while the benchmark runs at the highest concurrency", "< 512 MB", "not sampled", null));
        }
        return targets;
    }
}
