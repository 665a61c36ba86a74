package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.ChildServer;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, after {@code mvn package}, run as README says: {@code java -jar
 * target/dynamini.jar}. It holds none of DynamoDB Local, whose licence forbids distributing it;
 * without DynamoDB Local beside it (the production image) every mode but embedded works.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PackagedJarIT {
    private static final Path JAR = Path.of(System.getProperty("dynamini.jar", "target/dynamini.jar"));
    private static final String KEY = "jar-test-key-0123456";
    private static final String API_KEYS = "[{\"application\":\"jar\",\"key\":\"" + KEY + "\"}]";

    @Test
    void theJarHoldsNoneOfDynamoDbLocal() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("software/amazon/dynamodb/")),
                    "DynamoDB Local classes are inside dynamini.jar");
            assertTrue(jar.stream().allMatch(e -> e.getName().startsWith("dev/dynamini/") || e.getName().startsWith("META-INF/")
                    || !e.getName().endsWith(".class")), "only dynamini's own classes");
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertTrue(classPath.contains("lib/DynamoDBLocal-"), "Maven resolves DynamoDB Local beside the jar: " + classPath);
        }
    }

    @Test
    void theReadmeRunCommandServesOnLoopbackOnlyAndKeepsData(@TempDir Path dir) throws Exception {
        int port = ChildServer.freePort();
        Map<String, String> env = Map.of("PORT", Integer.toString(port), "API_KEYS", API_KEYS, "DATA_DIR", dir.resolve("data").toString());
        try (ChildServer server = ChildServer.startJar(JAR, env, dir.resolve("jar.log"))) {
            server.awaitLog("dynamini listening on port " + port + " (HOST 127.0.0.1)");
            Http api = new Http("http://127.0.0.1:" + port).with("x-api-key", KEY);
            assertEquals(201, api.post("/api/user/u/collection", "{\"name\":\"from the jar\"}").status());
            listeningAddress(port).ifPresent(address -> assertTrue(address.endsWith("0100007F"), "the jar's default HOST is 127.0.0.1, not " + address));
            assertFalse(server.log().contains("published example keys"), server.log());
            server.process().destroy();
            assertEquals(143, server.awaitExit(60), server.log());
        }
    }

    @Test
    void withoutDynamoDbLocalBesideItEmbeddedModeSaysSoAndAnEndpointWorks(@TempDir Path dir) throws Exception {
        // the production image's layout: the jar and lib/ without DynamoDB Local
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.copy(JAR, app.resolve("dynamini.jar"));
        Path lib = Files.createDirectories(app.resolve("lib"));
        try (Stream<Path> jars = Files.list(JAR.resolveSibling("lib"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                if (!jar.getFileName().toString().startsWith("DynamoDBLocal-")) {
                    Files.copy(jar, lib.resolve(jar.getFileName()));
                }
            }
        }
        Path jar = app.resolve("dynamini.jar");
        try (ChildServer embedded = ChildServer.startJar(jar, Map.of("PORT", Integer.toString(ChildServer.freePort()),
                "API_KEYS", API_KEYS, "DATA_DIR", dir.resolve("data").toString()), dir.resolve("embedded.log"))) {
            assertEquals(1, embedded.awaitExit(60), embedded.log());
            String log = embedded.log().strip();
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.startsWith("dynamini: cannot start: embedded mode needs DynamoDB Local"), log);
        }
        try (DynamoLocalServer dynamo = DynamoLocalServer.start()) {
            int port = ChildServer.freePort();
            Map<String, String> env = new HashMap<>(dynamo.env(5000));
            env.putAll(Map.of("PORT", Integer.toString(port), "API_KEYS", "[{\"application\":\"jar\",\"key\":\"change-me-demo-key\"}]",
                    "HOST", "0.0.0.0"));
            try (ChildServer server = ChildServer.startJar(jar, env, dir.resolve("endpoint.log"))) {
                server.awaitLog("dynamini listening on port " + port + " (HOST 0.0.0.0)");
                Http api = new Http("http://127.0.0.1:" + port).with("x-api-key", "change-me-demo-key");
                assertEquals(201, api.post("/api/user/u/collection", "{\"name\":\"no DynamoDB Local inside\"}").status());
                assertTrue(server.log().lines().anyMatch(l -> l.contains("WARN") && l.contains("published example keys")
                        && l.contains("HOST=0.0.0.0")), "an example key on every interface is warned about: " + server.log());
                listeningAddress(port).ifPresent(address -> assertTrue(address.matches("0+"), "HOST=0.0.0.0 listens on every interface"));
            }
        }
    }

    /**
     * The local address (hex, as the kernel lists it) of the socket listening on {@code port}, read
     * from /proc/net/tcp and tcp6 where Linux has them: no traffic needed to tell where it listens.
     */
    private static Optional<String> listeningAddress(int port) throws IOException {
        String wanted = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[1].endsWith(wanted) && fields[3].equals("0A")) {
                    return Optional.of(fields[1].substring(0, fields[1].indexOf(':')));
                }
            }
        }
        return Optional.empty();
    }
}
