package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import org.junit.jupiter.api.Test;

/** History, single versions, restore and If-Match, for collections and entries alike. */
class HistoryApiTest extends ServerPerClass {
    /** An entry with versions: 1 {v:1} named "h", 2 {v:2}, 3 deleted. Returns its path. */
    private static String entryWithHistory(String user) {
        String c = CollectionApiTest.create(api, user, "c");
        String path = "/api/user/" + user + "/collection/" + c + "/entry";
        String one = path + "/" + EntryApiTest.createEntry(api, path, "{\"name\":\"h\",\"value\":{\"v\":1}}");
        assertEquals(200, api.put(one, "{\"value\":{\"v\":2}}").status());
        assertEquals(200, api.delete(one).status());
        return one;
    }

    @Test
    void versionsListsEveryVersionInEitherOrderWithPages() {
        String one = entryWithHistory("h1");
        JsonNode asc = api.get(one + "/versions").json();
        assertEquals(3, asc.size());
        assertEquals(1, asc.get(0).path("meta").path("version").asInt());
        assertFalse(asc.get(2).path("meta").path("deletedAt").isMissingNode(), "deleted versions are listed");
        JsonNode desc = api.get(one + "/versions?order=desc").json();
        assertEquals(3, desc.get(0).path("meta").path("version").asInt());

        Response page1 = api.get(one + "/versions?order=desc&limit=2");
        assertEquals(2, page1.json().size());
        String cursor = page1.header("X-Next-Cursor");
        assertTrue(page1.header("Link").contains("rel=\"next\""));
        Response page2 = api.get(one + "/versions?order=desc&limit=2&cursor=" + cursor);
        assertEquals(1, page2.json().size());
        assertEquals(1, page2.json().get(0).path("meta").path("version").asInt());
        assertEquals(null, page2.header("X-Next-Cursor"));
        assertEquals(400, api.get(one + "/versions?order=sideways").status());
        assertEquals(404, api.get(one.replaceAll("/entry/.*", "/entry/01NOSUCHENTRY") + "/versions").status());
    }

    @Test
    void oneVersionByNumber() {
        String one = entryWithHistory("h2");
        Response v1 = api.get(one + "/versions/1");
        assertEquals(200, v1.status());
        assertEquals(1, v1.json().path("value").path("v").asInt());
        assertEquals("\"1\"", v1.header("ETag"));
        assertEquals(404, api.get(one + "/versions/4").status());
        assertEquals(400, api.get(one + "/versions/0").status());
        assertEquals(400, api.get(one + "/versions/abc").status());
    }

    @Test
    void restoreUndeletesWithTheNewestNonDeletedContent() {
        String one = entryWithHistory("h3");
        Response restored = api.post(one + "/restore", null);
        assertEquals(200, restored.status(), restored.toString());
        assertEquals(4, restored.json().path("meta").path("version").asInt());
        assertTrue(restored.json().path("meta").path("deletedAt").isMissingNode());
        assertEquals(2, restored.json().path("value").path("v").asInt());
        assertEquals("h", restored.json().path("name").asText());
        assertEquals("\"4\"", restored.header("ETag"));
        assertEquals(200, api.get(one).status());
    }

    @Test
    void restoreOfAnOldVersion() {
        String one = entryWithHistory("h4");
        Response restored = api.post(one + "/restore", "{\"version\":1}");
        assertEquals(200, restored.status());
        assertEquals(1, restored.json().path("value").path("v").asInt());
        assertEquals(4, restored.json().path("meta").path("version").asInt());
        assertEquals(404, api.post(one + "/restore", "{\"version\":9}").status());
        assertEquals(400, api.post(one + "/restore", "{\"version\":\"1\"}").status());
        assertEquals(400, api.post(one + "/restore", "{\"version\":0}").status());
        assertEquals(4, api.get(one + "/versions").json().size(), "failed restores wrote nothing");
    }

    @Test
    void restoreIntoATakenNameIs409() {
        String one = entryWithHistory("h5");
        String list = one.substring(0, one.lastIndexOf('/'));
        String other = EntryApiTest.createEntry(api, list, "{\"name\":\"h\"}");
        Response clash = api.post(one + "/restore", null);
        assertEquals(409, clash.status());
        assertEquals(other, clash.json().path("item").path("meta").path("entry").asText());
        assertEquals(3, api.get(one + "/versions").json().size());
    }

    @Test
    void restoreOfACollectionBringsItsEntriesBack() {
        String c = CollectionApiTest.create(api, "h6", "box");
        String entries = "/api/user/h6/collection/" + c + "/entry";
        EntryApiTest.createEntry(api, entries, "{\"name\":\"inside\"}");
        api.delete("/api/user/h6/collection/" + c);
        assertEquals(0, api.get(entries).json().size());
        Response restored = api.post("/api/user/h6/collection/" + c + "/restore", null);
        assertEquals(200, restored.status());
        assertEquals(3, restored.json().path("meta").path("version").asInt());
        assertEquals(1, api.get(entries).json().size());
        JsonNode versions = api.get("/api/user/h6/collection/" + c + "/versions").json();
        assertEquals(3, versions.size());
        assertEquals("box", api.get("/api/user/h6/collection/" + c + "/versions/2").json().path("name").asText());
        assertEquals(404, api.post("/api/user/h6/collection/01NOSUCH/restore", null).status());
    }

    @Test
    void ifMatchGuardsPutDeleteAndRestore() {
        String c = CollectionApiTest.create(api, "h7", "guarded");
        String list = "/api/user/h7/collection/" + c + "/entry";
        String one = list + "/" + EntryApiTest.createEntry(api, list, "{\"value\":{\"v\":1}}");
        assertEquals(200, api.put(one, "{\"value\":{\"v\":2}}").status());

        Response stalePut = api.with("If-Match", "\"1\"").put(one, "{\"value\":{\"v\":3}}");
        assertEquals(412, stalePut.status());
        assertEquals("precondition_failed", stalePut.json().path("error").asText());
        assertEquals(2, stalePut.json().path("item").path("meta").path("version").asInt(), "the current item");
        assertEquals("\"2\"", stalePut.header("ETag"));
        Response staleDelete = api.with("If-Match", "\"1\"").delete(one);
        assertEquals(412, staleDelete.status());
        Response staleRestore = api.with("If-Match", "\"1\"").post(one + "/restore", "{\"version\":1}");
        assertEquals(412, staleRestore.status());
        assertEquals(2, api.get(one + "/versions").json().size(), "412s wrote nothing");

        Response put = api.with("If-Match", "\"2\"").put(one, "{\"value\":{\"v\":3}}");
        assertEquals(200, put.status());
        assertEquals(200, api.with("If-Match", "W/\"3\"").delete(one).status());
        assertEquals(200, api.with("If-Match", "\"4\"").post(one + "/restore", "{\"version\":1}").status());
        assertEquals(200, api.with("If-Match", "*").put(one, "{\"value\":{\"v\":6}}").status());
        assertEquals(400, api.with("If-Match", "banana").put(one, "{\"value\":{}}").status());

        Response staleCollection = api.with("If-Match", "\"7\"").put("/api/user/h7/collection/" + c, "{\"name\":\"g2\"}");
        assertEquals(412, staleCollection.status());
        assertEquals(200, api.with("If-Match", "\"1\"").put("/api/user/h7/collection/" + c, "{\"name\":\"g2\"}").status());
    }
}
