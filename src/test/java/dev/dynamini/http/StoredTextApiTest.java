package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.SharedDynamoLocal;
import dev.dynamini.testing.TestServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * No stored item can make a read fail. The server refuses to store text that is not valid Unicode,
 * but data can arrive by other ways (imported, written by another tool): here items whose names,
 * values and value keys hold unpaired surrogates are put straight into the tables, and every route
 * that shows them answers valid UTF-8 JSON, each unpaired surrogate replaced by U+FFFD. Writes on
 * such items succeed and say so (never a 4xx or 5xx after the commit).
 */
class StoredTextApiTest {
    private static final String USER = "imported";
    private static final String BAD_NAME = "bad\uD800name";
    private static final String BAD_VALUE = "{\"k\uDC00\":\"v\uD800\",\"pair\":\"\uD83D\uDE00\",\"tail\":\"\uDBFF\"}";
    private static TestServer server;
    private static Http api;
    private static Map<String, String> tables;
    private static String collection;

    @BeforeAll
    static void start() {
        tables = TestServer.freshTables();
        server = TestServer.start(tables);
        api = server.appA();
        collection = CollectionApiTest.create(api, USER, "holder");
        String entries = "app-a#" + USER + "#" + collection;
        put(tables.get("TABLE_NAME_ENTRIES"), entries, "imported-1", BAD_NAME, BAD_VALUE, false);
        put(tables.get("TABLE_NAME_ENTRIES"), entries, "imported-2", "dup", BAD_VALUE, false);
        put(tables.get("TABLE_NAME_COLLECTIONS"), "app-a#" + USER, "imported-c", "c\uDBFF", null, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyReadOfItemsWithUnpairedSurrogatesAnswersValidJson() {
        String entries = entriesPath();
        for (String path : java.util.List.of(entries, entries + "?filter=current", entries + "?filter=all", entries + "?limit=1",
                entries + "/imported-1", entries + "/imported-1?filter=current", entries + "/imported-1?filter=all",
                entries + "/imported-1/versions", entries + "/imported-1/versions?limit=1&order=desc", entries + "/imported-1/versions/1")) {
            Response r = api.get(path); // Http decodes strictly: a byte that is not UTF-8 fails here
            assertEquals(200, r.status(), path + " -> " + r);
            JsonNode first = r.json().isArray() ? r.json().get(0) : r.json();
            if ("imported-1".equals(first.path("meta").path("entry").asText())) {
                assertEquals("bad\uFFFDname", first.path("name").asText(), path);
                assertShown(first.path("value"));
            }
        }
        Response collections = api.get("/api/collection");
        assertEquals(200, collections.status(), collections.toString());
        assertTrue(collections.body().contains("\"c\uFFFD\""), collections.toString());
        assertEquals(200, api.get("/api/user/" + USER + "/collection/imported-c?filter=all").status());
    }

    @Test
    void writesOnSuchItemsAnswerWhatWasCommitted() {
        String one = entriesPath() + "/imported-1";
        Response renamed = api.put(one, "{\"name\":\"clean\"}"); // keeps the stored value
        assertEquals(200, renamed.status(), renamed.toString());
        assertShown(renamed.json().path("value"));
        assertEquals(2, api.get(one + "/versions").json().size(), "committed once");

        Response clash = api.post(entriesPath(), "{\"name\":\"dup\",\"value\":{\"other\":1}}");
        assertEquals(409, clash.status(), clash.toString());
        assertEquals("conflict", clash.json().path("error").asText());
        assertShown(clash.json().path("item").path("value"));

        Response stale = api.with("If-Match", "\"9\"").put(entriesPath() + "/imported-2", "{\"value\":{\"n\":1}}");
        assertEquals(412, stale.status(), stale.toString());
        assertShown(stale.json().path("item").path("value"));

        Response deleted = api.delete(entriesPath() + "/imported-2");
        assertEquals(200, deleted.status(), deleted.toString());
        assertShown(deleted.json().path("value"));
    }

    private static void assertShown(JsonNode value) {
        assertEquals("v\uFFFD", value.path("k\uFFFD").asText(), value.toString());
        assertEquals("\uD83D\uDE00", value.path("pair").asText(), "a proper pair stays as it is");
        assertEquals("\uFFFD", value.path("tail").asText());
    }

    private static String entriesPath() {
        return "/api/user/" + USER + "/collection/" + collection + "/entry";
    }

    /** An item as another tool could have written it: head, version 1 and name register, as docs/storage.md lays them out. */
    private static void put(String table, String partition, String id, String name, String value, boolean collectionItem) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(partition));
        item.put("version", AttributeValue.builder().n("1").build());
        item.put("name", s(name));
        if (value != null) {
            item.put("value", s(value));
        }
        item.put("createdAt", AttributeValue.builder().n("1700000000000").build());
        item.put("updatedAt", AttributeValue.builder().n("1700000000000").build());
        if (collectionItem) {
            item.put("app", s("app-a"));
        }
        Map<String, AttributeValue> head = new HashMap<>(item);
        head.put("sk", s("H#" + id));
        Map<String, AttributeValue> version = new HashMap<>(item);
        version.put("sk", s("V#" + id + "#0000000001"));
        var client = SharedDynamoLocal.client();
        client.putItem(b -> b.tableName(table).item(head));
        client.putItem(b -> b.tableName(table).item(version));
        client.putItem(b -> b.tableName(table).item(Map.of("pk", s(partition), "sk", s("N#" + name), "id", s(id))));
    }

    private static AttributeValue s(String text) {
        return AttributeValue.builder().s(text).build();
    }
}
