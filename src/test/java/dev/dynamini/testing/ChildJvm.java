package dev.dynamini.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM running a main class with the test's classpath, configured by environment, its output going to a file. */
public record ChildJvm(Process process, Path logFile) implements AutoCloseable {
    /** Variables of the test's own environment that would change what the child talks to. */
    private static final List<String> NOT_INHERITED = List.of("AWS_REGION", "DYNAMODB_ENDPOINT", "API_KEYS_FILE",
            "TABLE_NAME_COLLECTIONS", "TABLE_NAME_ENTRIES");

    public static ChildJvm start(Class<?> mainClass, String maxHeap, Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        NOT_INHERITED.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.directory(log.getParent().toFile());
        return new ChildJvm(builder.start(), log);
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

    /** Waits up to a minute for the text to appear in the child's output. */
    public void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                fail("the child exited with " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                fail("no '" + text + "' within a minute: " + log());
            }
            Thread.sleep(50);
        }
    }

    /** A test that failed half-way must not leave a server running. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
