package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every call of dynamodb-mini's client (shared/reference/dynamodb-mini-README.md), made as the raw
 * HTTP request it sends, with every filter; then what that server accepted and dynamini accepts
 * too: PUT creating an id, implicit collections, any JSON value, value null, collection values,
 * case-insensitive fixed path words and filters, and slugified user ids.
 */
class DynamodbMiniCompatibilityApiTest extends ServerPerClass {

    @Test
    void everyClientCallOfTheOriginalReadmeWorks() {
        // store.create(user, {name}): safe to repeat
        Response created = api.post("/api/user/user-1/collection", "{\"name\":\"posts\"}");
        assertEquals(201, created.status(), created.toString());
        String c = created.json().path("meta").path("collection").asText();
        Response again = api.post("/api/user/user-1/collection", "{\"name\":\"posts\"}");
        assertEquals(200, again.status());
        assertEquals(c, again.json().path("meta").path("collection").asText());
        String entries = "/api/user/user-1/collection/" + c + "/entry";

        // collection.add({name, value})
        Response added = api.post(entries, "{\"name\":\"post-3888288822\",\"value\":{\"body\":\"om my gosh\",\"bg\":{\"img\":\"pic.png\"},\"happinessIndex\":9}}");
        assertEquals(201, added.status(), added.toString());
        String e = added.json().path("meta").path("entry").asText();
        String entry = entries + "/" + e;
        assertEquals(9, added.json().path("value").path("happinessIndex").asInt());

        // store.get(), store.getByUser(user), collection.get(), collection.fetchEntry(entry): every filter
        for (String filter : new String[] {"", "?filter=latest", "?filter=current", "?filter=all"}) {
            assertTrue(ids(api.get("/api/collection" + filter), "collection").contains(c), filter);
            assertEquals(List.of(c), ids(api.get("/api/user/user-1/collection" + filter), "collection"), filter);
            assertEquals(List.of(e), ids(api.get(entries + filter), "entry"), filter);
            Response fetched = api.get(entry + filter);
            assertEquals(200, fetched.status(), filter);
            assertTrue(fetched.json().isArray(), "fetchEntry answers an array, as the original did");
            assertEquals("post-3888288822", fetched.json().get(0).path("name").asText());
        }

        // entry.update({name, value}); omitted fields keep their value ("defaults to the old value")
        Response renamed = api.put(entry, "{\"name\":\"feature-toggles\"}");
        assertEquals(200, renamed.status());
        assertEquals("om my gosh", renamed.json().path("value").path("body").asText());
        assertEquals(200, api.put(entry, "{\"name\":\"feature-toggles\",\"value\":{\"on\":true}}").status());
        assertEquals(3, api.get(entry + "?filter=all").json().size());

        // collection.update({name}): rename
        Response collectionRenamed = api.put("/api/user/user-1/collection/" + c, "{\"name\":\"new-feature-collection\"}");
        assertEquals(200, collectionRenamed.status());
        assertEquals("new-feature-collection", collectionRenamed.json().path("name").asText());

        // entry.destroy(), collection.destroy(): soft, still there with filter=current
        assertEquals(200, api.delete(entry).status());
        assertEquals(List.of(), ids(api.get(entries), "entry"));
        assertEquals(List.of(e), ids(api.get(entries + "?filter=current"), "entry"));
        assertEquals(200, api.delete("/api/user/user-1/collection/" + c).status());
        assertEquals(List.of(), ids(api.get("/api/user/user-1/collection"), "collection"));
        Response current = api.get("/api/user/user-1/collection?filter=current");
        assertEquals(List.of(c), ids(current, "collection"));
        assertFalse(current.json().get(0).path("meta").path("deletedAt").isMissingNode());
    }

    @Test
    void putOnAnIdThatNeverExistedCreatesItAndIfNoneMatchMakesItCreateOnly() {
        Response collection = api.put("/api/user/pat/collection/my-own-id", "{\"name\":\"chosen\"}");
        assertEquals(201, collection.status(), collection.toString());
        assertEquals("my-own-id", collection.json().path("meta").path("collection").asText());
        assertEquals("\"1\"", collection.header("ETag"));
        assertEquals(200, api.put("/api/user/pat/collection/my-own-id", "{\"name\":\"renamed\"}").status(), "then it is an update");

        Response entry = api.put("/api/user/pat/collection/my-own-id/entry/settings", "{\"value\":{\"dark\":true}}");
        assertEquals(201, entry.status(), entry.toString());
        Response createOnly = api.with("If-None-Match", "*").put("/api/user/pat/collection/my-own-id/entry/settings", "{\"value\":1}");
        assertEquals(412, createOnly.status(), createOnly.toString());
        assertEquals(1, createOnly.json().path("item").path("meta").path("version").asInt(), "412 carries the current item");
        assertEquals(201, api.with("If-None-Match", "*").put("/api/user/pat/collection/my-own-id/entry/fresh", "{\"value\":2}").status());
        assertEquals(404, api.with("If-Match", "*").put("/api/user/pat/collection/my-own-id/entry/none", "{\"value\":3}").status());
        assertEquals(400, api.put("/api/user/pat/collection/my-own-id/entry/bad%7Cid", "{\"value\":3}").status(), "the id rules apply");
        assertEquals(1, api.get("/api/user/pat/collection/my-own-id/entry/settings?filter=all").json().size(), "the 412 wrote nothing");

        // a collection PUT without a name is named by its id
        Response unnamed = api.put("/api/user/pat/collection/unnamed-id", "{\"value\":{\"meta\":1}}");
        assertEquals(201, unnamed.status(), unnamed.toString());
        assertEquals("unnamed-id", unnamed.json().path("name").asText());
    }

    @Test
    void entryWritesIntoACollectionIdThatNeverExistedCreateIt() {
        Response entry = api.post("/api/user/imp/collection/implicit-1/entry", "{\"name\":\"e\",\"value\":1}");
        assertEquals(201, entry.status(), entry.toString());
        Response collection = api.get("/api/user/imp/collection/implicit-1");
        assertEquals(200, collection.status());
        assertEquals("implicit-1", collection.json().get(0).path("name").asText(), "named by its id");
        assertEquals(1, api.get("/api/user/imp/collection/implicit-1/entry").json().size());

        assertEquals(200, api.delete("/api/user/imp/collection/implicit-1").status());
        assertEquals(404, api.post("/api/user/imp/collection/implicit-1/entry", "{\"name\":\"f\"}").status(), "a deleted collection refuses");
        assertEquals(404, api.put("/api/user/imp/collection/implicit-1/entry/x", "{\"name\":\"f\"}").status());
    }

    @Test
    void anyJsonValueNullRemovesItAndCollectionsCarryValuesToo() {
        String entries = "/api/user/val/collection/vals/entry";
        for (String value : new String[] {"42", "-0.5e3", "\"text\"", "true", "false", "[1,\"two\"]", "{\"k\":null}"}) {
            Response r = api.post(entries, "{\"value\":" + value + "}");
            assertEquals(201, r.status(), value + " -> " + r);
            assertTrue(r.body().contains("\"value\":" + value + "}"), "byte for byte: " + r.body());
        }
        Response named = api.post(entries, "{\"name\":\"n\",\"value\":{\"a\":1}}");
        String one = entries + "/" + named.json().path("meta").path("entry").asText();
        Response removed = api.put(one, "{\"value\":null}");
        assertEquals(200, removed.status(), removed.toString());
        assertTrue(removed.json().path("value").isMissingNode(), "value null takes the value away: " + removed);
        assertEquals("n", removed.json().path("name").asText());

        Response collection = api.post("/api/user/val/collection", "{\"name\":\"with-meta\",\"value\":{\"color\":\"blue\"}}");
        assertEquals(201, collection.status(), collection.toString());
        String path = "/api/user/val/collection/" + collection.json().path("meta").path("collection").asText();
        assertEquals("blue", api.get(path).json().get(0).path("value").path("color").asText());
        Response changed = api.put(path, "{\"value\":{\"color\":\"red\"}}");
        assertEquals(2, changed.json().path("meta").path("version").asInt(), "a collection's value is versioned");
        assertEquals("with-meta", changed.json().path("name").asText());
    }

    @Test
    void fixedPathWordsAndFiltersIgnoreCaseIdsKeepIt() {
        Response created = api.post("/API/User/CaseUser/Collection", "{\"name\":\"Case\"}");
        assertEquals(201, created.status(), created.toString());
        assertEquals("CaseUser", created.json().path("meta").path("user").asText(), "ids keep their case");
        String c = created.json().path("meta").path("collection").asText();
        assertEquals(201, api.post("/api/USER/CaseUser/COLLECTION/" + c + "/ENTRY", "{\"name\":\"x\"}").status());
        assertEquals(1, api.get("/api/user/CaseUser/collection/" + c + "/Entry?filter=CURRENT").json().size());
        assertEquals(0, api.get("/api/user/caseuser/collection").json().size(), "a user id is not folded");
        assertEquals(401, new Http(server.baseUrl()).get("/API/collection").status(), "and still needs a key");
    }

    @Test
    void withSlugifyUserIdsRawUserIdsFindTheirSlugs() {
        try (TestServer slugging = TestServer.start(Map.of("SLUGIFY_USER_IDS", "true"))) {
            Http app = slugging.appA();
            Response created = app.post("/api/user/test%20user/collection", "{\"name\":\"c\"}");
            assertEquals(201, created.status(), created.toString());
            assertEquals("test-user", created.json().path("meta").path("user").asText());
            assertEquals(1, app.get("/api/user/test-user/collection").json().size(), "the slug is the stored id");
            assertEquals(1, app.get("/api/user/test%20%20user%20/collection").json().size());
            assertEquals("jorg", app.post("/api/user/j%C3%B6rg/collection", "{\"name\":\"c\"}").json().path("meta").path("user").asText());
        }
        assertEquals(400, api.post("/api/user/test%20user/collection", "{\"name\":\"c\"}").status(), "off by default");
    }

    private static List<String> ids(Response list, String field) {
        assertEquals(200, list.status(), list.toString());
        List<String> ids = new ArrayList<>();
        for (JsonNode item : list.json()) {
            ids.add(item.path("meta").path(field).asText());
        }
        return ids.stream().distinct().toList();
    }
}
