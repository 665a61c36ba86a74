package dev.dynamini.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.config.Config;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The end-to-end path against the amazon/dynamodb-local image over HTTP, as docker-compose runs it.
 * Skipped where no Docker engine is available (as on our build machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class DynamoDbLocalContainerTest {
    @Container
    @SuppressWarnings("resource")
    private static final GenericContainer<?> DYNAMODB = new GenericContainer<>("amazon/dynamodb-local:3.3.1")
            .withCommand("-jar DynamoDBLocal.jar -inMemory -sharedDb")
            .withExposedPorts(8000);

    @Test
    void everyKindOfRequestWorksAgainstTheContainer() {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.put("DYNAMODB_ENDPOINT", "http://" + DYNAMODB.getHost() + ":" + DYNAMODB.getMappedPort(8000));
        try (TestServer server = TestServer.startOwning(env, DynamoConnection.remote(Config.from(env)))) {
            Http api = server.appA();
            Response created = api.post("/api/user/u/collection", "{\"name\":\"c\"}");
            assertEquals(201, created.status());
            assertEquals(200, api.post("/api/user/u/collection", "{\"name\":\"c\"}").status());
            String c = created.json().path("meta").path("collection").asText();
            String entries = "/api/user/u/collection/" + c + "/entry";
            Response entry = api.post(entries, "{\"name\":\"e\",\"value\":{\"n\":1.50}}");
            assertEquals(201, entry.status());
            String one = entries + "/" + entry.json().path("meta").path("entry").asText();
            assertEquals(200, api.put(one, "{\"value\":{\"n\":2}}").status());
            assertEquals(412, api.with("If-Match", "\"1\"").put(one, "{\"value\":{\"n\":3}}").status());
            assertEquals(409, api.post(entries, "{\"name\":\"e\",\"value\":{\"other\":true}}").status());
            assertEquals(200, api.delete(one).status());
            assertEquals(0, api.get(entries).json().size());
            assertEquals(200, api.post(one + "/restore", "{\"version\":1}").status());
            assertTrue(api.get(one).body().contains("\"value\":{\"n\":1.50}"), "value read back exactly");
            assertEquals(4, api.get(one + "/versions").json().size());
            assertEquals(2, api.get(one + "/versions?limit=2").json().size());
            assertEquals(1, api.get("/api/collection").json().size());
            assertEquals(0, server.appB().get("/api/user/u/collection").json().size());
        }
    }
}
