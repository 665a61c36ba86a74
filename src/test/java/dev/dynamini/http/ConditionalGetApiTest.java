package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import org.junit.jupiter.api.Test;

/**
 * Conditional GET (If-None-Match) of single items and versions, and HEAD, which answers what GET
 * answers without the body. Over real HTTP; every answer is also checked against /openapi.json.
 */
class ConditionalGetApiTest extends ServerPerClass {

    @Test
    void aCurrentCopyOfACollectionIs304AndAStaleOne200() {
        String one = "/api/user/cg1/collection/" + CollectionApiTest.create(api, "cg1", "c");
        assertNotModified(api.with("If-None-Match", "\"1\"").get(one), "\"1\"");
        assertNotModified(api.with("If-None-Match", "*").get(one), "\"1\"");
        assertNotModified(api.with("If-None-Match", "\"7\", W/\"1\"").get(one), "\"1\"");

        assertEquals(200, api.put(one, "{\"name\":\"renamed\"}").status());
        Response changed = api.with("If-None-Match", "\"1\"").get(one);
        assertEquals(200, changed.status(), changed.toString());
        assertEquals("\"2\"", changed.header("ETag"));
        assertEquals("renamed", changed.json().get(0).path("name").asText());
        assertNotModified(api.with("If-None-Match", "\"2\"").get(one + "?filter=all"), "\"2\"");

        // another version, tags no version of ours has, an empty header: the full answer
        for (String foreign : new String[] {"\"3\"", "\"abc\"", "W/\"x1\"", ""}) {
            Response full = api.with("If-None-Match", foreign).get(one);
            assertEquals(200, full.status(), "If-None-Match " + foreign + ": " + full);
            assertEquals(1, full.json().size());
        }
    }

    @Test
    void entriesAndVersionsToo() {
        String c = CollectionApiTest.create(api, "cg2", "c");
        String entries = "/api/user/cg2/collection/" + c + "/entry";
        String one = entries + "/" + EntryApiTest.createEntry(api, entries, "{\"name\":\"e\",\"value\":{\"v\":1}}");
        assertEquals(200, api.put(one, "{\"value\":{\"v\":2}}").status());

        assertNotModified(api.with("If-None-Match", "\"2\"").get(one), "\"2\"");
        assertEquals(200, api.with("If-None-Match", "\"1\"").get(one).status());
        // a version never changes: its own number is its ETag
        assertNotModified(api.with("If-None-Match", "\"1\"").get(one + "/versions/1"), "\"1\"");
        Response other = api.with("If-None-Match", "\"1\"").get(one + "/versions/2");
        assertEquals(200, other.status(), other.toString());
        assertEquals(2, other.json().path("value").path("v").asInt());

        // only an answer that would be 200 can be 304: a deleted entry is still 404 with filter=latest
        assertEquals(200, api.delete(one).status());
        assertEquals(404, api.with("If-None-Match", "*").get(one).status());
        assertNotModified(api.with("If-None-Match", "\"3\"").get(one + "?filter=current"), "\"3\"");
        assertEquals(404, api.with("If-None-Match", "*").get(one + "/versions/9").status());
    }

    @Test
    void headAnswersWhatGetAnswersWithoutTheBody() {
        String c = CollectionApiTest.create(api, "cg3", "c");
        String one = "/api/user/cg3/collection/" + c;
        Response get = api.get(one);
        Response head = api.head(one);
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(get.header("ETag"), head.header("ETag"));
        assertEquals(get.header("Content-Type"), head.header("Content-Type"));
        assertNotNull(head.header("X-Request-Id"));

        CollectionApiTest.create(api, "cg3", "d");
        Response page = api.head("/api/user/cg3/collection?limit=1");
        assertEquals(200, page.status());
        assertEquals("", page.body());
        assertNotNull(page.header("X-Next-Cursor"), "the next page is announced as for GET");

        assertNotModified(api.with("If-None-Match", "\"1\"").head(one), "\"1\"");
        assertEquals(404, api.head(one + "/versions/5").status());
        assertEquals(401, server.http().head(one).status());
        assertEquals(200, server.http().head("/health").status());
        Response none = api.head("/api/user/cg3/nothing");
        assertEquals(404, none.status());
        assertEquals("", none.body());
    }

    private static void assertNotModified(Response r, String etag) {
        assertEquals(304, r.status(), r.toString());
        assertEquals(etag, r.header("ETag"));
        assertEquals("", r.body());
        assertNull(r.header("Content-Type"), "no body, no media type");
    }
}
