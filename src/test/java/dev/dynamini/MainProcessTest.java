package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.ChildServer;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as operators run it: {@code dev.dynamini.Main} in a JVM of its own, configured by
 * environment variables, on embedded DynamoDB Local with its data on disk, stopped by SIGTERM.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MainProcessTest {
    private static final String KEY = "process-test-key-0123";
    private static final String API_KEYS = "[{\"application\":\"ops\",\"key\":\"" + KEY + "\"}]";
    private static final String VALUE_MARKER = "do-not-log-this-value-4711";
    private static final String USER = "user-name-not-logged";

    @Test
    void sigtermStopsCleanlyKeepsTheDataAndTheLogsHoldNoKeysOrValues(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        int port = ChildServer.freePort();
        Map<String, String> env = Map.of("PORT", Integer.toString(port), "DATA_DIR", data.toString(),
                "API_KEYS", API_KEYS, "DEBUG", "true");
        Http app = new Http("http://127.0.0.1:" + port).with("x-api-key", KEY);
        String c;

        try (ChildServer first = ChildServer.start(env, dir.resolve("first.log"))) {
            first.awaitLog("dynamini listening on port " + port);
            Response created = app.with("X-Request-Id", "trace-abc-1").post("/api/user/" + USER + "/collection", "{\"name\":\"kept\"}");
            assertEquals(201, created.status(), created.toString());
            assertEquals("trace-abc-1", created.header("X-Request-Id"), "a sensible request id is echoed");
            c = created.json().path("meta").path("collection").asText();
            Response entry = app.post("/api/user/" + USER + "/collection/" + c + "/entry", "{\"name\":\"e\",\"value\":{\"v\":\"" + VALUE_MARKER + "\"}}");
            assertEquals(201, entry.status(), entry.toString());
            assertEquals(401, new Http("http://127.0.0.1:" + port).with("x-api-key", "wrong-" + KEY).get("/api/collection").status());

            // Jetty itself once logged a CONNECT's target, which is the path with the user id in it
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.getOutputStream().write(("CONNECT /api/user/" + USER + "/collection HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getInputStream().readAllBytes();
            }

            first.process().destroy(); // SIGTERM
            assertTrue(first.process().waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            assertEquals(143, first.process().exitValue(), "the exit status of a JVM ended by SIGTERM");
            String log = first.log();
            assertTrue(log.contains("shutting down"), log);
            assertTrue(log.contains("embedded DynamoDB Local shut down"), log);
            assertTrue(log.contains("INFO Main - stopped"), log);

            assertTrue(log.contains("id=trace-abc-1 app=ops method=POST route=/api/user/{user}/collection status=201 ms="), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("route=/api/collection status=401") && l.contains("app=-")), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("route=/api/user/{user}/collection/{collection}/entry status=201")
                    && l.matches(".* dynamodb=\\d+ rcu=[0-9.]+ wcu=[1-9][0-9.]*$")), "DynamoDB capacity per request: " + log);
            assertTrue(log.lines().anyMatch(l -> l.contains("DEBUG dynamodb - id=trace-abc-1 op=PutItem outcome=ok ms=")
                    && l.matches(".* wcu=[1-9][0-9.]*$")), "DEBUG=true logs each DynamoDB call of a request with its latency and capacity: " + log);
            assertFalse(log.contains(KEY), "API keys are never logged");
            assertFalse(log.contains(VALUE_MARKER), "entry values are never logged, even with DEBUG=true");
            assertFalse(log.contains(USER), "paths (user ids) are logged as route templates");
        }

        try (ChildServer second = ChildServer.start(env, dir.resolve("second.log"))) {
            second.awaitLog("dynamini listening on port " + port);
            Response kept = app.get("/api/user/" + USER + "/collection/" + c + "/entry");
            assertEquals(200, kept.status(), kept.toString());
            assertEquals(VALUE_MARKER, kept.json().get(0).path("value").path("v").asText(), "the data survived the restart");
            second.process().destroy();
            assertTrue(second.process().waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBadSettingStopsStartUpWithOneLineNamingIt(@TempDir Path dir) throws Exception {
        try (ChildServer child = ChildServer.start(Map.of("PORT", "eighty", "API_KEYS", API_KEYS, "DATA_DIR", dir.toString()), dir.resolve("bad.log"))) {
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, child.process().exitValue());
            String log = child.log().strip();
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.startsWith("dynamini: cannot start: PORT"), log);
        }
    }

    @Test
    void aDynamoDbOutOfReachAtStartUpIsOneLineAndExit1(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("PORT", Integer.toString(ChildServer.freePort()), "API_KEYS", API_KEYS,
                "DYNAMODB_ENDPOINT", "http://127.0.0.1:" + ChildServer.freePort(), "DYNAMODB_TIMEOUT_MS", "2000");
        try (ChildServer child = ChildServer.start(env, dir.resolve("unreachable.log"))) {
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "gave up instead of hanging");
            assertEquals(1, child.process().exitValue());
            String log = child.log();
            assertTrue(log.lines().anyMatch(l -> l.startsWith("dynamini: cannot start: ") && l.contains("127.0.0.1")), log);
            assertFalse(log.contains("\tat "), "no stack trace: " + log);
        }
    }

    @Test
    void aSecondProcessOnTheSameDataDirRefusesToStartNamingIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        int port = ChildServer.freePort();
        try (ChildServer first = ChildServer.start(Map.of("PORT", Integer.toString(port), "DATA_DIR", data.toString(),
                "API_KEYS", API_KEYS), dir.resolve("first.log"))) {
            first.awaitLog("dynamini listening on port " + port);
            try (ChildServer second = ChildServer.start(Map.of("PORT", Integer.toString(ChildServer.freePort()),
                    "DATA_DIR", data.toString(), "API_KEYS", API_KEYS), dir.resolve("second.log"))) {
                assertEquals(1, second.awaitExit(60), second.log());
                String log = second.log().strip();
                assertEquals(1, log.lines().filter(l -> l.startsWith("dynamini: cannot start")).count(), log);
                assertTrue(log.contains("dynamini: cannot start: DATA_DIR: " + data.toAbsolutePath() + " is in use by another dynamini process (pid "
                        + first.process().pid() + ")"), log);
            }
            Http app = new Http("http://127.0.0.1:" + port).with("x-api-key", KEY);
            assertEquals(201, app.post("/api/user/u/collection", "{\"name\":\"still served\"}").status(), "the first one goes on");
        }
    }

    @Test
    void anUnwritableDataDirStopsStartUpAtOnceNamingIt(@TempDir Path dir) throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (canCreateIn(readOnly)) {
            // root writes through permission bits: take a directory that exists and refuses even root
            readOnly = Path.of("/sys/kernel");
            assertFalse(canCreateIn(readOnly), "this machine has no directory that refuses writes");
        }
        try (ChildServer child = ChildServer.start(Map.of("PORT", Integer.toString(ChildServer.freePort()),
                "DATA_DIR", readOnly.toString(), "API_KEYS", API_KEYS), dir.resolve("ro.log"))) {
            assertEquals(1, child.awaitExit(60), child.log());
            String log = child.log().strip();
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.startsWith("dynamini: cannot start: DATA_DIR: " + readOnly.toAbsolutePath() + " is not writable"), log);
        }
    }

    @Test
    void awsRegionWithoutCredentialsIsOneLineSayingHowToRunEmbedded(@TempDir Path dir) throws Exception {
        // no credentials anywhere, and no instance metadata lookup (it would go to the network)
        Map<String, String> env = Map.of("PORT", Integer.toString(ChildServer.freePort()), "API_KEYS", API_KEYS,
                "AWS_REGION", "eu-central-1", "AWS_EC2_METADATA_DISABLED", "true", "HOME", dir.toString());
        try (ChildServer child = ChildServer.start(env, dir.resolve("region.log"), "-Duser.home=" + dir)) {
            assertEquals(1, child.awaitExit(60), child.log());
            String log = child.log().strip();
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.startsWith("dynamini: cannot start: AWS_REGION=eu-central-1 selects real DynamoDB, but no AWS credentials were found"), log);
            assertTrue(log.contains("unset AWS_REGION and DYNAMODB_ENDPOINT to run with embedded DynamoDB Local"), log);
        }
    }

    @Test
    void anEndpointWithARegionAndNoCredentialsGetsDummyOnes(@TempDir Path dir) throws Exception {
        try (DynamoLocalServer dynamo = DynamoLocalServer.start()) {
            int port = ChildServer.freePort();
            Map<String, String> env = new java.util.HashMap<>(dynamo.env(5000));
            env.putAll(Map.of("PORT", Integer.toString(port), "API_KEYS", API_KEYS, "AWS_REGION", "eu-central-1",
                    "AWS_EC2_METADATA_DISABLED", "true", "HOME", dir.toString()));
            try (ChildServer child = ChildServer.start(env, dir.resolve("endpoint.log"), "-Duser.home=" + dir)) {
                child.awaitLog("dynamini listening on port " + port);
                Http app = new Http("http://127.0.0.1:" + port).with("x-api-key", KEY);
                assertEquals(201, app.post("/api/user/u/collection", "{\"name\":\"dummy credentials\"}").status());
            }
        }
    }

    private static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createFile(dir.resolve("probe")));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
