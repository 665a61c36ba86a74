package dev.dynamini.bench;

import dev.dynamini.Dynamini;
import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Embedded start-up until /health answers 200: {@code java -jar <jar>} as a child process (timed
 * from process launch, JVM start included) when the jar exists; otherwise in this JVM (which is
 * already warm, so it flatters the figure; the report says which). The first run starts on an empty
 * data directory (tables created), later runs restart on the same data.
 */
final class StartupProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    record Run(int run, boolean freshData, double seconds) {
    }

    record Result(String method, String jar, String jarBuilt, boolean jarOlderThanSources, List<Run> runs) {
        double medianSeconds() {
            List<Double> s = runs.stream().map(Run::seconds).sorted().toList();
            if (s.isEmpty()) {
                return Double.NaN;
            }
            return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        }

        double maxSeconds() {
            return runs.stream().mapToDouble(Run::seconds).max().orElse(Double.NaN);
        }
    }

    private StartupProbe() {
    }

    static Result measure(BenchOptions options, String apiKeys) throws Exception {
        Path dataDir = options.out().resolve("startup-data");
        deleteTree(dataDir);
        List<Run> runs = new ArrayList<>();
        Path jar = options.jar();
        if (Files.isRegularFile(jar)) {
            Instant built = Files.getLastModifiedTime(jar).toInstant();
            boolean stale = newestSource().map(newest -> newest.isAfter(built)).orElse(false);
            for (int i = 1; i <= options.startupRuns(); i++) {
                runs.add(new Run(i, i == 1, childProcess(jar, dataDir, apiKeys, options.out().resolve("startup-" + i + ".log"))));
            }
            deleteTree(dataDir);
            return new Result("child process: java -jar " + jar, jar.toString(), built.toString(), stale, runs);
        }
        for (int i = 1; i <= options.startupRuns(); i++) {
            runs.add(new Run(i, i == 1, inProcess(dataDir, apiKeys)));
        }
        deleteTree(dataDir);
        return new Result("in-process (no " + jar + "; the JVM is already warm, so this flatters the figure)", null, null, false, runs);
    }

    private static double childProcess(Path jar, Path dataDir, String apiKeys, Path log) throws Exception {
        int port = freePort();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("AWS_REGION");
        env.remove("DYNAMODB_ENDPOINT");
        env.put("PORT", Integer.toString(port));
        env.put("DATA_DIR", dataDir.toAbsolutePath().toString());
        env.put("API_KEYS", apiKeys);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            awaitHealth(port, start, process::isAlive);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            process.destroy(); // SIGTERM: graceful shutdown
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static double inProcess(Path dataDir, String apiKeys) throws Exception {
        long start = System.nanoTime();
        Config config = Config.from(Map.of("PORT", "0", "API_KEYS", apiKeys, "DATA_DIR", dataDir.toString()));
        DynamoConnection connection = DynamoConnection.embedded(dataDir);
        try (Dynamini server = Dynamini.start(config, ApiKeys.load(config), connection, r -> { })) {
            awaitHealth(server.port(), start, () -> true);
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static void awaitHealth(int port, long start, java.util.function.BooleanSupplier alive) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build();
        while (true) {
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("the server exited before /health answered");
            }
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                throw new IllegalStateException("/health did not answer within 60 s");
            }
            Thread.sleep(10);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static java.util.Optional<Instant> newestSource() {
        Path main = Path.of("src/main");
        if (!Files.isDirectory(main)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> files = Files.walk(main)) {
            return files.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(Instant::compareTo);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
