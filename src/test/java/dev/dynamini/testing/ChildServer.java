package dev.dynamini.testing;

import dev.dynamini.Main;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dev.dynamini.Main} in a JVM of its own, as operators run it: configured by environment
 * variables, its output in a file. Closing it kills the process, so a failed test leaves nothing
 * running.
 */
public record ChildServer(Process process, Path logFile) implements AutoCloseable {
    private static final List<String> INHERITED = List.of("AWS_REGION", "DYNAMODB_ENDPOINT", "API_KEYS_FILE",
            "TABLE_NAME_COLLECTIONS", "TABLE_NAME_ENTRIES", "DATA_DIR", "PORT", "API_KEYS", "DEBUG", "CURSOR_SECRET", "HOST",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE",
            "OLD_TABLE_NAME_COLLECTIONS", "OLD_TABLE_NAME_ENTRIES");

    public static ChildServer start(Map<String, String> env, Path log, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return start(command, env, log);
    }

    /** Another main class of the test class path (a fixture server), with a heap of its own. */
    public static ChildServer start(Class<?> mainClass, String maxHeap, Map<String, String> env, Path log) throws IOException {
        return start(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"), mainClass.getName()), env, log);
    }

    /** {@code dev.dynamini.Main} with arguments: a command such as import-dynamodb-mini. */
    public static ChildServer command(Map<String, String> env, Path log, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(arguments));
        return start(command, env, log);
    }

    /** {@code java -jar jar}, as README runs it (the jar's manifest brings lib/ beside it). */
    public static ChildServer startJar(Path jar, Map<String, String> env, Path log) throws IOException {
        return start(List.of(java(), "-Xmx256m", "-jar", jar.toString()), env, log);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static ChildServer start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        INHERITED.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(log.getParent().toFile());
        return new ChildServer(builder.start(), log);
    }

    public String log() throws IOException {
        File file = logFile.toFile();
        return file.exists() ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    }

    /** Writes a line to the child's standard input. */
    public void tell(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits up to a minute for the log to contain {@code text}; fails if the process exits first. */
    public void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("no '" + text + "' within a minute: " + log());
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the process to exit by itself and returns its exit status. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + seconds + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
