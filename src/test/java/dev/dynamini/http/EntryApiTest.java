package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.metrics.DynamoUsage;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry routes, over HTTP against the real server on DynamoDB Local. */
class EntryApiTest extends ServerPerClass {
    private static String collection(String user) {
        return CollectionApiTest.create(api, user, "c-" + System.nanoTime());
    }

    private static String entries(String user, String collection) {
        return "/api/user/" + user + "/collection/" + collection + "/entry";
    }

    static String createEntry(Http api, String path, String body) {
        Response r = api.post(path, body);
        assertEquals(201, r.status(), r.toString());
        return r.json().path("meta").path("entry").asText();
    }

    @Test
    void createReturnsTheEntryWithItsValueExactlyAsSent() {
        String c = collection("ann");
        String value = "{\"z\":1,\"a\":[1.10,2E+5,-0.0,12345678901234567890123456789],\"text\":\"h\u00e9llo \u2603 \uD83D\uDE00\",\"nested\":{\"b\":null,\"a\":true}}";
        Response r = api.post(entries("ann", c), "{\"name\":\"first\",\"value\":" + value + "}");
        assertEquals(201, r.status());
        JsonNode meta = r.json().path("meta");
        assertEquals("app-a", meta.path("application").asText());
        assertEquals("ann", meta.path("user").asText());
        assertEquals(c, meta.path("collection").asText());
        assertEquals(26, meta.path("entry").asText().length());
        assertEquals(1, meta.path("version").asInt());
        assertEquals("\"1\"", r.header("ETag"));
        String id = meta.path("entry").asText();
        String read = api.get(entries("ann", c) + "/" + id).body();
        assertTrue(read.contains("\"value\":" + value + "}"), "value reads back byte for byte: " + read);
    }

    @Test
    void anEntryNeedsANameOrAValue() {
        String c = collection("bob");
        assertEquals(201, api.post(entries("bob", c), "{\"value\":[]}").status());
        assertEquals(201, api.post(entries("bob", c), "{\"name\":\"only-name\"}").status());
        for (String body : List.of("{}", "{\"value\":null}",
                "{\"name\":1,\"value\":{}}", "{\"value\":{\"a\":1,\"a\":2}}", "{\"value\":{", "not json")) {
            Response r = api.post(entries("bob", c), body);
            assertEquals(400, r.status(), body + " -> " + r);
            assertEquals("bad_request", r.json().path("error").asText());
        }
        assertEquals(2, api.get(entries("bob", c) + "?filter=all").json().size(), "bad requests wrote nothing");
        // any JSON value, as dynamodb-mini stored them
        for (String value : List.of("\"text\"", "1", "-2.50", "true", "false", "[]")) {
            Response r = api.post(entries("bob", c), "{\"value\":" + value + "}");
            assertEquals(201, r.status(), value + " -> " + r);
            assertTrue(r.body().contains("\"value\":" + value + "}"), "read back as sent: " + r);
        }
    }

    @Test
    void namesAreUniqueAmongLiveEntriesAndAnEqualCreateIsIdempotent() {
        String c = collection("cy");
        String id = createEntry(api, entries("cy", c), "{\"name\":\"n\",\"value\":{\"v\":1}}");
        Response same = api.post(entries("cy", c), "{\"name\":\"n\",\"value\":{\"v\":1}}");
        assertEquals(200, same.status());
        assertEquals(id, same.json().path("meta").path("entry").asText());
        Response clash = api.post(entries("cy", c), "{\"name\":\"n\",\"value\":{\"v\":2}}");
        assertEquals(409, clash.status());
        assertEquals(id, clash.json().path("item").path("meta").path("entry").asText());
        assertEquals(1, api.get(entries("cy", c) + "?filter=all").json().size());
        // a deleted entry frees its name; unnamed entries never clash
        api.delete(entries("cy", c) + "/" + id);
        assertEquals(201, api.post(entries("cy", c), "{\"name\":\"n\",\"value\":{\"v\":2}}").status());
        assertEquals(201, api.post(entries("cy", c), "{\"value\":{\"v\":3}}").status());
        assertEquals(201, api.post(entries("cy", c), "{\"value\":{\"v\":3}}").status());
        // the same name in another collection is fine
        assertEquals(201, api.post(entries("cy", collection("cy")), "{\"name\":\"n\"}").status());
    }

    @Test
    void putWritesANewVersionAndKeepsWhatTheBodyOmits() {
        String c = collection("dee");
        String path = entries("dee", c) + "/" + createEntry(api, entries("dee", c), "{\"name\":\"a\",\"value\":{\"x\":1}}");
        Response valueOnly = api.put(path, "{\"value\":{\"x\":2}}");
        assertEquals(200, valueOnly.status());
        assertEquals("a", valueOnly.json().path("name").asText());
        assertEquals(2, valueOnly.json().path("value").path("x").asInt());
        assertEquals(2, valueOnly.json().path("meta").path("version").asInt());
        assertEquals("\"2\"", valueOnly.header("ETag"));
        Response nameOnly = api.put(path, "{\"name\":\"b\"}");
        assertEquals("b", nameOnly.json().path("name").asText());
        assertEquals(2, nameOnly.json().path("value").path("x").asInt());
        assertEquals(3, nameOnly.json().path("meta").path("version").asInt());
        assertEquals(400, api.put(path, "{}").status());
        assertEquals(3, api.get(path + "?filter=all").json().size());
        assertEquals(404, api.with("If-Match", "*").put(entries("dee", c) + "/01NOSUCHENTRY", "{\"name\":\"z\"}").status());
    }

    @Test
    void deleteIsSoftAndFiltersShowIt() {
        String c = collection("eve");
        String keep = createEntry(api, entries("eve", c), "{\"name\":\"keep\"}");
        String gone = createEntry(api, entries("eve", c), "{\"name\":\"gone\",\"value\":[1]}");
        Response deleted = api.delete(entries("eve", c) + "/" + gone);
        assertEquals(200, deleted.status());
        assertFalse(deleted.json().path("meta").path("deletedAt").isMissingNode());
        assertEquals(2, deleted.json().path("meta").path("version").asInt());
        assertEquals("[1]", deleted.json().path("value").toString());
        assertEquals(404, api.delete(entries("eve", c) + "/" + gone).status());
        assertEquals(404, api.get(entries("eve", c) + "/" + gone).status());
        assertEquals(1, api.get(entries("eve", c) + "/" + gone + "?filter=current").json().size());
        assertEquals(2, api.get(entries("eve", c) + "/" + gone + "?filter=all").json().size());

        assertEquals(List.of(keep), ids(api.get(entries("eve", c)).json()));
        assertEquals(List.of(keep, gone), ids(api.get(entries("eve", c) + "?filter=current").json()));
        assertEquals(List.of(keep, gone, gone), ids(api.get(entries("eve", c) + "?filter=all").json()));
    }

    @Test
    void entriesOfAMissingOrDeletedCollection() {
        String missing = entries("fay", "01NOSUCHCOLLECTION");
        assertEquals(0, api.get(missing).json().size());

        String c = collection("fay");
        String id = createEntry(api, entries("fay", c), "{\"name\":\"x\",\"value\":{}}");
        assertEquals(200, api.delete("/api/user/fay/collection/" + c).status());
        String one = entries("fay", c) + "/" + id;
        assertEquals(404, api.post(entries("fay", c), "{\"name\":\"y\"}").status());
        assertEquals(404, api.put(one, "{\"name\":\"z\"}").status());
        assertEquals(404, api.delete(one).status());
        assertEquals(0, api.get(entries("fay", c)).json().size(), "latest shows nothing of a deleted collection");
        assertEquals(404, api.get(one).status());
        assertEquals(1, api.get(entries("fay", c) + "?filter=current").json().size());
        assertEquals(1, api.get(entries("fay", c) + "?filter=all").json().size());
        assertEquals(200, api.get(one + "?filter=current").status());
        assertEquals(1, api.get(one + "?filter=all").json().size(), "the failed writes left no version");
    }

    @Test
    void lookupByName() {
        String c = collection("gus");
        String id = createEntry(api, entries("gus", c), "{\"name\":\"find me\"}");
        assertEquals(List.of(id), ids(api.get(entries("gus", c) + "?name=find%20me").json()));
        assertEquals(0, api.get(entries("gus", c) + "?name=nope").json().size());
    }

    /**
     * The write budget of docs/storage.md, in DynamoDB requests and in the capacity units DynamoDB
     * reports for them (single-item writes, which DynamoDB Local reports as billed): items of
     * less than 1 KB, the collection known live to this instance.
     */
    @Test
    void capacityUnitsPerOperation() {
        String c = collection("hal");
        String id = createEntry(api, entries("hal", c), "{\"name\":\"counted\",\"value\":{\"a\":1}}");
        DynamoUsage post = RequestRecordAssert.dynamoRequests(server, "POST", 3); // claim the name, the version, the head
        assertEquals(3.0, post.writeUnits(), "named create: " + post);
        assertEquals(0.0, post.readUnits(), "named create: " + post);
        String one = entries("hal", c) + "/" + id;

        api.get(one);
        DynamoUsage get = RequestRecordAssert.dynamoRequests(server, "GET", 1);
        assertEquals(0, get.writeUnits());
        assertEquals(1.0, get.readUnits(), "the latest read of an entry is its head alone: " + get);

        assertEquals(200, api.put(one, "{\"value\":{\"a\":2}}").status());
        DynamoUsage update = RequestRecordAssert.dynamoRequests(server, "PUT", 3); // read the head, the version, the head
        assertEquals(2.0, update.writeUnits(), "value-only update: " + update);
        assertEquals(1.0, update.readUnits(), "value-only update: " + update);

        assertEquals(200, api.put(one, "{\"name\":\"renamed\"}").status());
        DynamoUsage rename = RequestRecordAssert.dynamoRequests(server, "PUT", 4); // + the new name's claim
        assertEquals(3.0, rename.writeUnits(), "rename: " + rename);

        assertEquals(200, api.delete(one).status());
        DynamoUsage delete = RequestRecordAssert.dynamoRequests(server, "DELETE", 3); // the name is released lazily
        assertEquals(2.0, delete.writeUnits(), "delete: " + delete);
    }

    @Test
    void listingLatestReadsNoHistory() {
        String shallow = collection("ida");
        String deep = collection("ida");
        for (int i = 0; i < 5; i++) {
            createEntry(api, entries("ida", shallow), "{\"value\":{\"i\":" + i + "}}");
            String id = createEntry(api, entries("ida", deep), "{\"value\":{\"i\":" + i + "}}");
            for (int v = 0; v < 9; v++) {
                assertEquals(200, api.put(entries("ida", deep) + "/" + id, "{\"value\":{\"i\":" + i + ",\"v\":" + v + "}}").status());
            }
        }
        api.get(entries("ida", shallow));
        DynamoUsage one = RequestRecordAssert.dynamoRequests(server, "GET", 1); // the heads query (the collection is known live)
        api.get(entries("ida", deep));
        DynamoUsage ten = RequestRecordAssert.dynamoRequests(server, "GET", 1);
        assertEquals(one.readUnits(), ten.readUnits(), "10 versions per entry cost no more to list than 1");
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(item -> ids.add(item.path("meta").path("entry").asText()));
        return ids;
    }
}
