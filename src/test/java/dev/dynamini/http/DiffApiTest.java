package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET .../versions/{n}/diff?from=m: the RFC 6902 patch from version m to version n. */
class DiffApiTest extends ServerPerClass {
    private static String entry;

    /** Versions: 1 created, 2 renamed, 3 value changed, 4 deleted, 5 restored. */
    @BeforeAll
    static void history() {
        String c = api.post("/api/user/differ/collection", "{\"name\":\"diffs\"}").json().at("/meta/collection").asText();
        entry = "/api/user/differ/collection/" + c + "/entry/"
                + api.post("/api/user/differ/collection/" + c + "/entry", "{\"name\":\"a\",\"value\":{\"n\":1,\"exact\":1.10,\"big\":12345678901234567890}}")
                .json().at("/meta/entry").asText();
        assertEquals(200, api.put(entry, "{\"name\":\"b\"}").status());
        assertEquals(200, api.put(entry, "{\"value\":{\"n\":2,\"exact\":1.10,\"big\":12345678901234567890}}").status());
        assertEquals(200, api.delete(entry).status());
        assertEquals(200, api.post(entry + "/restore", null).status());
    }

    private static String diff(String query) {
        Response r = api.get(entry + query);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/json-patch+json"), r.header("Content-Type"));
        return r.body();
    }

    @Test
    void theFirstVersionIsADiffFromNothingWithNumbersAsSent() {
        assertEquals("[{\"op\":\"add\",\"path\":\"/name\",\"value\":\"a\"},"
                + "{\"op\":\"add\",\"path\":\"/value\",\"value\":{\"n\":1,\"exact\":1.10,\"big\":12345678901234567890}}]",
                diff("/versions/1/diff"));
        assertEquals(diff("/versions/1/diff"), diff("/versions/1/diff?from=0"));
    }

    @Test
    void eachVersionByDefaultAgainstTheOneBefore() {
        assertEquals("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"b\"}]", diff("/versions/2/diff"));
        assertEquals("[{\"op\":\"replace\",\"path\":\"/value/n\",\"value\":2}]", diff("/versions/3/diff"));
        assertEquals("[{\"op\":\"add\",\"path\":\"/deleted\",\"value\":true}]", diff("/versions/4/diff"));
        assertEquals("[{\"op\":\"remove\",\"path\":\"/deleted\"}]", diff("/versions/5/diff"));
    }

    @Test
    void anyTwoVersionsEitherWay() {
        assertEquals("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"b\"},{\"op\":\"replace\",\"path\":\"/value/n\",\"value\":2}]",
                diff("/versions/3/diff?from=1"));
        assertEquals("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"a\"},{\"op\":\"replace\",\"path\":\"/value/n\",\"value\":1}]",
                diff("/versions/1/diff?from=3"));
        assertEquals("[]", diff("/versions/5/diff?from=3"), "a restore of version 3's content");
        assertEquals("[]", diff("/versions/2/diff?from=2"));
    }

    @Test
    void collectionsHaveDiffsToo() {
        Response created = api.post("/api/user/differ/collection", "{\"name\":\"before\"}");
        String c = "/api/user/differ/collection/" + created.json().at("/meta/collection").asText();
        api.put(c, "{\"name\":\"after\",\"value\":[1,2]}");
        Response r = api.get(c + "/versions/2/diff");
        assertEquals("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"after\"},{\"op\":\"add\",\"path\":\"/value\",\"value\":[1,2]}]", r.body());
    }

    @Test
    void missingVersionsAre404AndBadNumbers400() {
        for (String query : new String[] {"/versions/6/diff", "/versions/2/diff?from=6"}) {
            Response r = api.get(entry + query);
            assertEquals(404, r.status(), query);
            assertEquals("not_found", r.json().path("error").asText());
        }
        assertEquals(404, api.get("/api/user/differ/collection/nope/entry/nope/versions/1/diff").status());
        for (String query : new String[] {"/versions/0/diff", "/versions/x/diff", "/versions/2/diff?from=-1", "/versions/2/diff?from=one"}) {
            Response r = api.get(entry + query);
            assertEquals(400, r.status(), query);
            assertEquals("bad_request", r.json().path("error").asText());
        }
        assertEquals(401, server.http().get(entry + "/versions/1/diff").status());
    }
}
