package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default keeps its data on disk under DATA_DIR: a restart keeps everything. */
class RestartTest {
    @Test
    void aRestartedEmbeddedServerHasEveryCollectionEntryAndVersion(@TempDir Path dataDir) {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.put("DATA_DIR", dataDir.toString());
        String collection;
        String entry;
        try (TestServer first = TestServer.startOwning(env, DynamoConnection.embedded(dataDir))) {
            Http api = first.appA();
            collection = api.post("/api/user/u/collection", "{\"name\":\"kept\"}").json().path("meta").path("collection").asText();
            String entries = "/api/user/u/collection/" + collection + "/entry";
            entry = api.post(entries, "{\"name\":\"e\",\"value\":{\"n\":1}}").json().path("meta").path("entry").asText();
            assertEquals(200, api.put(entries + "/" + entry, "{\"value\":{\"n\":2}}").status());
        }
        try (TestServer second = TestServer.startOwning(env, DynamoConnection.embedded(dataDir))) {
            Http api = second.appA();
            String one = "/api/user/u/collection/" + collection + "/entry/" + entry;
            assertEquals("kept", api.get("/api/user/u/collection/" + collection).json().get(0).path("name").asText());
            assertEquals(2, api.get(one).json().get(0).path("value").path("n").asInt());
            assertEquals(2, api.get(one + "/versions").json().size());
            assertEquals(201, api.post("/api/user/u/collection/" + collection + "/entry", "{\"name\":\"after restart\"}").status());
        }
    }
}
