package dev.dynamini.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local 3.3.1 as an HTTP server in a JVM of its own, in memory ({@code -inMemory -sharedDb
 * -disableTelemetry}), for {@code --storage endpoint}: the server and the raw floor reach it over
 * HTTP as they would reach DynamoDB, and its CPU time is its own process's, apart from the
 * benchmark JVM's. The child exits when its standard input closes, so it does not outlive a
 * benchmark JVM that was killed.
 */
final class LocalEndpoint implements AutoCloseable {
    /** The child's heap: its data stay small (the seeded items and what the writes add). */
    static final String HEAP = "-Xmx512m";
    static final String READY = "dynamodb-local-ready";

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread hook;

    private LocalEndpoint(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.hook = new Thread(process::destroyForcibly, "stop-dynamodb-local");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts the child on a free port and waits (up to a minute) until it serves. */
    static LocalEndpoint start(Path out) throws Exception {
        Files.createDirectories(out);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = out.resolve("dynamodb-local.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, HEAP, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LocalEndpoint.class.getName(), Integer.toString(port)));
        builder.redirectErrorStream(true).redirectOutput(log.toFile()).directory(out.toFile());
        LocalEndpoint local = new LocalEndpoint(builder.start(), port, log);
        try {
            local.awaitReady();
        } catch (Exception | Error e) {
            local.close();
            throw e;
        }
        return local;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) || !Files.readString(log).contains(READY)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("DynamoDB Local exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("DynamoDB Local did not start within a minute: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** The child's CPU time so far (user + system, clock-tick resolution), or -1 if unknown. */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // the child exits on end of input
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /** The child: DynamoDB Local's HTTP server until standard input ends. */
    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
            "-inMemory", "-sharedDb", "-port", args[0], "-disableTelemetry"});
        try {
            server.start();
            System.out.println(READY + " on port " + args[0]);
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // nothing is sent; end of input means the benchmark is gone
            }
        } finally {
            // DynamoDB Local leaves non-daemon threads behind
            Runtime.getRuntime().halt(0);
        }
    }
}
