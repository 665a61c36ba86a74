package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.metrics.DynamoUsage;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The collection routes, over HTTP against the real server on DynamoDB Local. */
class CollectionApiTest extends ServerPerClass {
    static String create(Http api, String user, String name) {
        Response r = api.post("/api/user/" + user + "/collection", "{\"name\":\"" + name + "\"}");
        assertEquals(201, r.status(), r.toString());
        return r.json().path("meta").path("collection").asText();
    }

    @Test
    void createReturns201WithTheCollectionAndAnETag() {
        Response r = api.post("/api/user/ann/collection", "{\"name\":\"groceries\"}");
        assertEquals(201, r.status());
        JsonNode meta = r.json().path("meta");
        assertEquals("app-a", meta.path("application").asText());
        assertEquals("ann", meta.path("user").asText());
        assertEquals(26, meta.path("collection").asText().length());
        assertEquals(1, meta.path("version").asInt());
        assertTrue(meta.path("createdAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals(meta.path("createdAt"), meta.path("updatedAt"));
        assertTrue(meta.path("deletedAt").isMissingNode());
        assertEquals("groceries", r.json().path("name").asText());
        assertEquals("\"1\"", r.header("ETag"));
        assertEquals("application/json", r.header("Content-Type"));
    }

    @Test
    void creatingALiveNameAgainReturns200WithTheExistingCollectionAndWritesNothing() {
        String id = create(api, "bob", "books");
        int before = server.requests().size();
        Response again = api.post("/api/user/bob/collection", "{\"name\":\"books\"}");
        assertEquals(200, again.status());
        assertEquals(id, again.json().path("meta").path("collection").asText());
        assertEquals(1, again.json().path("meta").path("version").asInt());
        assertEquals(1, api.get("/api/user/bob/collection/" + id + "/versions").json().size());
        assertTrue(server.requests().size() > before);
        assertEquals(1, api.get("/api/user/bob/collection?filter=all").json().size(), "no second collection written");
    }

    @Test
    void listsAreInCreationOrderAndFilterDeletedOnes() {
        String first = create(api, "cy", "one");
        String second = create(api, "cy", "two");
        String third = create(api, "cy", "three");
        assertEquals(200, api.delete("/api/user/cy/collection/" + second).status());

        assertEquals(List.of(first, third), ids(api.get("/api/user/cy/collection").json()));
        assertEquals(List.of(first, third), ids(api.get("/api/user/cy/collection?filter=latest").json()));
        assertEquals(List.of(first, third), ids(api.get("/api/user/cy/collection?filter=nonsense").json()), "unknown filter means latest");
        JsonNode current = api.get("/api/user/cy/collection?filter=current").json();
        assertEquals(List.of(first, second, third), ids(current));
        assertFalse(current.get(1).path("meta").path("deletedAt").isMissingNode());
        JsonNode all = api.get("/api/user/cy/collection?filter=all").json();
        assertEquals(List.of(first, second, second, third), ids(all));
        assertEquals(1, all.get(1).path("meta").path("version").asInt());
        assertEquals(2, all.get(2).path("meta").path("version").asInt());
    }

    @Test
    void readOneByFilter() {
        String id = create(api, "dee", "notes");
        api.put("/api/user/dee/collection/" + id, "{\"name\":\"notes 2\"}");
        Response latest = api.get("/api/user/dee/collection/" + id);
        assertEquals(200, latest.status());
        assertEquals(1, latest.json().size());
        assertEquals("notes 2", latest.json().get(0).path("name").asText());
        assertEquals("\"2\"", latest.header("ETag"));
        assertEquals(2, api.get("/api/user/dee/collection/" + id + "?filter=all").json().size());

        api.delete("/api/user/dee/collection/" + id);
        assertEquals(404, api.get("/api/user/dee/collection/" + id).status());
        Response current = api.get("/api/user/dee/collection/" + id + "?filter=current");
        assertEquals(200, current.status());
        assertEquals(3, current.json().get(0).path("meta").path("version").asInt());
        assertEquals(404, api.get("/api/user/dee/collection/01NOSUCHCOLLECTION0000000").status());
    }

    @Test
    void renameWritesANewVersionAndFreesTheOldName() {
        String id = create(api, "eve", "draft");
        Response renamed = api.put("/api/user/eve/collection/" + id, "{\"name\":\"final\"}");
        assertEquals(200, renamed.status());
        assertEquals(2, renamed.json().path("meta").path("version").asInt());
        assertEquals("final", renamed.json().path("name").asText());
        assertEquals("\"2\"", renamed.header("ETag"));
        assertEquals(201, api.post("/api/user/eve/collection", "{\"name\":\"draft\"}").status(), "old name is free");
        Response clash = api.put("/api/user/eve/collection/" + id, "{\"name\":\"draft\"}");
        assertEquals(409, clash.status());
        assertEquals("conflict", clash.json().path("error").asText());
        assertEquals("draft", clash.json().path("item").path("name").asText());
        assertEquals(2, api.get("/api/user/eve/collection/" + id + "/versions").json().size(), "nothing written on a clash");
    }

    @Test
    void updateAndDeleteOfMissingOrDeletedCollectionsAre404() {
        String id = create(api, "fay", "temp");
        assertEquals(404, api.with("If-Match", "*").put("/api/user/fay/collection/01NOSUCH", "{\"name\":\"x\"}").status(),
                "If-Match: * updates only");
        assertEquals(404, api.delete("/api/user/fay/collection/01NOSUCH").status());
        Response deleted = api.delete("/api/user/fay/collection/" + id);
        assertEquals(200, deleted.status());
        assertEquals(2, deleted.json().path("meta").path("version").asInt());
        assertNotNull(deleted.json().path("meta").path("deletedAt").textValue());
        assertEquals("temp", deleted.json().path("name").asText(), "a delete keeps the content");
        assertEquals(404, api.delete("/api/user/fay/collection/" + id).status());
        assertEquals(404, api.put("/api/user/fay/collection/" + id, "{\"name\":\"y\"}").status());
        assertEquals(201, api.post("/api/user/fay/collection", "{\"name\":\"temp\"}").status(), "a deleted collection frees its name");
    }

    @Test
    void applicationListShowsEveryUsersCollections() {
        Http app = server.http().with("x-api-key", TestServer.KEY_A2);
        String a = create(api, "gus", "shared-name");
        String b = create(api, "hal", "shared-name");
        List<String> all = ids(app.get("/api/collection").json());
        assertTrue(all.indexOf(a) >= 0 && all.indexOf(b) > all.indexOf(a), "both users, creation order: " + all);
    }

    @Test
    void lookupByName() {
        String id = create(api, "ida", "wanted");
        create(api, "ida", "other");
        JsonNode found = api.get("/api/user/ida/collection?name=wanted").json();
        assertEquals(List.of(id), ids(found));
        assertEquals(0, api.get("/api/user/ida/collection?name=absent").json().size());
        api.delete("/api/user/ida/collection/" + id);
        assertEquals(0, api.get("/api/user/ida/collection?name=wanted").json().size());
        assertEquals(1, api.get("/api/collection?name=other").json().size());
    }

    @Test
    void badInputIs400AndWritesNothing() {
        String user = "jan";
        List<String> bodies = List.of("{\"name\":", "[]", "\"name\"", "{\"name\":42}", "{\"name\":\"\"}", "{}",
                "{\"name\":null}", "{\"value\":{}}", "{\"name\":\"x\",\"name\":\"y\"}", "{\"name\":\"x\"} trailing");
        for (String body : bodies) {
            Response r = api.post("/api/user/" + user + "/collection", body);
            assertEquals(400, r.status(), body + " -> " + r);
            assertEquals("bad_request", r.json().path("error").asText());
            assertFalse(r.json().path("message").asText().isEmpty());
        }
        assertEquals(400, api.get("/api/user/" + "x".repeat(129) + "/collection").status());
        assertEquals(400, api.get("/api/user/bad%20id/collection").status());
        assertEquals(400, api.post("/api/user/bad$id/collection", "{\"name\":\"x\"}").status());
        assertEquals(0, api.get("/api/user/" + user + "/collection?filter=all").json().size());
        Response empty = api.post("/api/user/" + user + "/collection", null);
        assertEquals(400, empty.status());
    }

    @Test
    void aNonJsonBodyIs415() {
        Response r = api.with("Content-Type", "text/plain").post("/api/user/kim/collection", "{\"name\":\"x\"}");
        assertEquals(415, r.status());
        assertEquals("unsupported_media_type", r.json().path("error").asText());
        assertEquals(0, api.get("/api/user/kim/collection").json().size());
    }

    @Test
    void putKeepsTheNameWhenTheBodyOmitsIt() {
        String id = create(api, "lee", "keep");
        Response r = api.put("/api/user/lee/collection/" + id, "{\"meta\":{\"version\":99}}");
        assertEquals(400, r.status(), "nothing to change");
        Response same = api.put("/api/user/lee/collection/" + id, "{\"name\":\"keep\"}");
        assertEquals(200, same.status());
        assertEquals(2, same.json().path("meta").path("version").asInt());
    }

    @Test
    void createIsThreeWritesAndReadOneIsOneReadRequest() {
        create(api, "mo", "counted");
        // claim the name, the version, the head; the index byApplication adds a write for each of the two last
        DynamoUsage post = RequestRecordAssert.dynamoRequests(server, "POST", 3);
        assertEquals(5.0, post.writeUnits(), "named create of a collection: " + post);
        String id = create(api, "mo", "counted-2");
        api.get("/api/user/mo/collection/" + id);
        RequestRecordAssert.dynamoRequests(server, "GET", 1);
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(item -> ids.add(item.path("meta").path("collection").asText()));
        return ids;
    }
}
