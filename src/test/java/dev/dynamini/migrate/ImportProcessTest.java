package dev.dynamini.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.testing.ChildServer;
import dev.dynamini.testing.DynamoLocalServer;
import dev.dynamini.testing.OldDynamodbMini;
import dev.dynamini.testing.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as operators run it: {@code dev.dynamini.Main import-dynamodb-mini} in a JVM of its
 * own, configured by environment variables, against a DynamoDB at DYNAMODB_ENDPOINT.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ImportProcessTest {
    @Test
    void mainRunsTheImportAndItsCheckInAProcessOfItsOwn(@TempDir Path dir) throws Exception {
        try (DynamoLocalServer local = DynamoLocalServer.start()) {
            // generous: on a loaded machine a first CreateTable over HTTP can take seconds, and its retry then fails
            Map<String, String> env = new HashMap<>(local.env(30_000));
            env.putAll(ImportDynamodbMiniTest.freshOldTables());
            String collection;
            String entry;
            try (DynamoConnection writer = DynamoConnection.remote(Config.from(env))) {
                OldDynamodbMini old = new OldDynamodbMini(writer.client(), env.get("OLD_TABLE_NAME_COLLECTIONS"),
                        env.get("OLD_TABLE_NAME_ENTRIES")).createTables();
                collection = old.createCollection("app-a", "ann", "c");
                entry = old.createEntry("ann", collection, "e", "{\"v\":1}");
                old.updateEntry("ann", collection, entry, "e", "{\"v\":2}");
                old.deleteEntry("ann", collection, entry);
            }

            try (ChildServer run = ChildServer.command(env, dir.resolve("import.log"), ImportCommand.NAME)) {
                assertEquals(0, run.awaitExit(120), run.log());
                assertTrue(run.log().contains("writes dynamini's tables " + env.get("TABLE_NAME_COLLECTIONS")), run.log());
                assertTrue(run.log().contains("on DynamoDB at " + local.endpoint()), run.log());
                assertTrue(run.log().contains("total: 2 items copied (4 versions), 0 skipped"), run.log());
            }
            try (ChildServer check = ChildServer.command(env, dir.resolve("check.log"), ImportCommand.NAME, "--check")) {
                assertEquals(0, check.awaitExit(120), check.log());
                assertTrue(check.log().contains("total: dynamini matches dynamodb-mini"), check.log());
            }
            try (ChildServer wrong = ChildServer.command(env, dir.resolve("wrong.log"), "import-dynamodb-max")) {
                assertEquals(2, wrong.awaitExit(120), wrong.log());
                assertTrue(wrong.log().contains("unknown command") && wrong.log().contains(ImportCommand.USAGE), wrong.log());
            }

            Map<String, String> server = new HashMap<>(env);
            server.keySet().removeIf(k -> k.startsWith("OLD_"));
            try (TestServer started = TestServer.startOwning(server, DynamoConnection.remote(Config.from(server)))) {
                JsonNode versions = started.appA().get("/api/user/ann/collection/" + collection + "/entry/" + entry + "/versions").json();
                assertEquals(3, versions.size(), versions.toString());
                assertEquals(2, versions.get(2).path("value").path("v").asInt());
                assertTrue(versions.get(2).path("meta").has("deletedAt"));
            }
        }
    }
}
