package dev.dynamini.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's sizes and durations, from {@code --name value} (or {@code --name=value}) flags.
 * Defaults make a full run of about two minutes on two cores.
 */
public record BenchOptions(
        int entries,
        int depth,
        int valueBytes,
        int versionsLimit,
        Duration warmup,
        Duration duration,
        int opsPerWorker,
        int warmupOpsPerWorker,
        int rounds,
        Duration globalWarmup,
        List<Integer> concurrency,
        int seedConcurrency,
        Path out,
        Storage storage,
        Path dataDir,
        int startupRuns,
        Path jar,
        AccessLogMode accessLog) {

    /**
     * Where the server keeps its data: embedded DynamoDB Local on disk (the server's default run
     * mode) or in memory, or DynamoDB Local as an HTTP server in a JVM of its own, in memory, reached
     * at DYNAMODB_ENDPOINT (issue 14's "endpoint mode").
     */
    public enum Storage { DISK, MEMORY, ENDPOINT }

    /** The server's access log (one line per request): to a file under out, to stderr, or off. */
    public enum AccessLogMode { FILE, STDERR, OFF }

    public static final String USAGE = """
            dynamini benchmark: starts dynamini embedded in this JVM, seeds data, drives it over HTTP on
            127.0.0.1 and writes <out>/report.md and <out>/report.json.
              --entries N            entries per listed collection (default 100)
              --depth N              versions per entry of the deep collection (default 50)
              --value-bytes N        approximate size of an entry's JSON value (default 512)
              --versions-limit N     page size of the versions page operation (default 10)
              --duration S           measured seconds per operation and concurrency (default 1.5)
              --warmup S             unmeasured seconds before each (default 0.5)
              --ops N                instead of durations: N measured operations per worker (default 0 = timed)
              --warmup-ops N         with --ops: unmeasured operations per worker first (default 3)
              --rounds N             timed runs are split into N interleaved slices, so that every operation and
                                     its floors see the same moments of the machine (default 3)
              --global-warmup S      mixed warm-up after seeding, before any measurement (default 3)
              --concurrency LIST     comma-separated client concurrencies (default 1,16)
              --seed-concurrency N   parallel HTTP clients while seeding (default 8)
              --out DIR              report directory (default target/bench)
              --storage disk|memory|endpoint
                                     embedded DynamoDB Local on disk (default, as the server runs) or in memory,
                                     or DynamoDB Local as an HTTP server in a child JVM (in memory), reached over
                                     HTTP at DYNAMODB_ENDPOINT by the server and by the raw floor calls
              --data-dir DIR         on-disk data directory, emptied first (default <out>/data)
              --startup-runs N       start-up measurements (default 3; 0 skips)
              --jar FILE             the server jar for the start-up measurement (default target/dynamini.jar)
              --access-log file|stderr|off   the server's per-request log line (default file: <out>/server.log)
            """;

    public static BenchOptions defaults() {
        return parse(new String[0]);
    }

    public static BenchOptions parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            if (arg != null && !arg.isBlank()) {
                words.addAll(List.of(arg.trim().split("\\s+")));
            }
        }
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("--help") || word.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!word.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + word + "'\n" + USAGE);
            }
            String name = word.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < words.size()) {
                value = words.get(++i);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
            }
            flags.put(name, value);
        }
        Reader r = new Reader(flags);
        Path out = Path.of(r.string("out", "target/bench"));
        BenchOptions options = new BenchOptions(
                r.integer("entries", 100, 1, 10_000),
                r.integer("depth", 50, 2, 1000),
                r.integer("value-bytes", 512, 16, 200_000),
                r.integer("versions-limit", 10, 1, 1000),
                r.seconds("warmup", 0.5),
                r.seconds("duration", 1.5),
                r.integer("ops", 0, 0, 1_000_000),
                r.integer("warmup-ops", 3, 0, 1_000_000),
                r.integer("rounds", 3, 1, 100),
                r.seconds("global-warmup", 3),
                r.integers("concurrency", "1,16"),
                r.integer("seed-concurrency", 8, 1, 256),
                out,
                r.choice("storage", Storage.class, "disk"),
                Path.of(r.string("data-dir", out.resolve("data").toString())),
                r.integer("startup-runs", 3, 0, 50),
                Path.of(r.string("jar", "target/dynamini.jar")),
                r.choice("access-log", AccessLogMode.class, "file"));
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("unknown option --" + flags.keySet().iterator().next() + "\n" + USAGE);
        }
        return options;
    }

    public boolean timed() {
        return opsPerWorker == 0;
    }

    /** How one slice of one row is run. */
    public Load.Timing slice() {
        return timed()
                ? new Load.Timing(warmup.dividedBy(rounds), duration.dividedBy(rounds), 0, 0)
                : new Load.Timing(Duration.ZERO, Duration.ZERO, opsPerWorker, warmupOpsPerWorker);
    }

    public int slices() {
        return timed() ? rounds : 1;
    }

    public int maxConcurrency() {
        return concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    /** The options as flags, for the report. */
    public String asFlags() {
        return "--entries " + entries + " --depth " + depth + " --value-bytes " + valueBytes
                + " --versions-limit " + versionsLimit
                + (timed() ? " --duration " + seconds(duration) + " --warmup " + seconds(warmup)
                        + " --rounds " + rounds
                        : " --ops " + opsPerWorker + " --warmup-ops " + warmupOpsPerWorker)
                + " --global-warmup " + seconds(globalWarmup)
                + " --concurrency " + String.join(",", concurrency.stream().map(String::valueOf).toList())
                + " --storage " + storage.name().toLowerCase() + " --startup-runs " + startupRuns;
    }

    private static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    /** Consumes flags as they are read, so that whatever is left over is unknown. */
    private record Reader(Map<String, String> flags) {
        String string(String name, String fallback) {
            String v = flags.remove(name);
            return v == null ? fallback : v;
        }

        int integer(String name, int fallback, int min, int max) {
            String raw = flags.remove(name);
            if (raw == null) {
                return fallback;
            }
            try {
                int v = Integer.parseInt(raw);
                if (v < min || v > max) {
                    throw new IllegalArgumentException("--" + name + " must be from " + min + " to " + max + ", got " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + raw + "'");
            }
        }

        Duration seconds(String name, double fallback) {
            String raw = flags.remove(name);
            double v = fallback;
            if (raw != null) {
                try {
                    v = Double.parseDouble(raw.endsWith("s") ? raw.substring(0, raw.length() - 1) : raw);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--" + name + " must be seconds such as 2 or 0.5, got '" + raw + "'");
                }
                if (v < 0 || v > 3600) {
                    throw new IllegalArgumentException("--" + name + " must be from 0 to 3600 seconds, got " + raw);
                }
            }
            return Duration.ofMillis(Math.round(v * 1000));
        }

        List<Integer> integers(String name, String fallback) {
            String raw = string(name, fallback);
            List<Integer> values = new ArrayList<>();
            for (String part : raw.split(",")) {
                try {
                    int v = Integer.parseInt(part.trim());
                    if (v < 1 || v > 256) {
                        throw new IllegalArgumentException("--" + name + " values must be from 1 to 256, got " + v);
                    }
                    if (!values.contains(v)) {
                        values.add(v);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--" + name + " must be a list such as 1,16, got '" + raw + "'");
                }
            }
            return List.copyOf(values);
        }

        <E extends Enum<E>> E choice(String name, Class<E> type, String fallback) {
            String raw = string(name, fallback);
            try {
                return Enum.valueOf(type, raw.trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + name + ": unknown value '" + raw + "'");
            }
        }
    }
}
