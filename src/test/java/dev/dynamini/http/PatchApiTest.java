package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Concurrently;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PATCH with RFC 7396 merge patches and RFC 6902 JSON Patches: one new version each, or nothing. */
class PatchApiTest extends ServerPerClass {
    private static final String MERGE = "application/merge-patch+json";
    private static final String JSON_PATCH = "application/json-patch+json";
    private static String entries;

    @BeforeAll
    static void collection() {
        entries = "/api/user/patcher/collection/"
                + api.post("/api/user/patcher/collection", "{\"name\":\"patches\"}").json().at("/meta/collection").asText() + "/entry";
    }

    private static String entry(String body) {
        Response r = api.post(entries, body);
        assertEquals(201, r.status(), r.toString());
        return entries + "/" + r.json().at("/meta/entry").asText();
    }

    private static Response patch(String path, String type, String body) {
        return api.with("Content-Type", type).send("PATCH", path, body);
    }

    private static int versionCount(String path) {
        return api.get(path + "?filter=all").json().size();
    }

    @Test
    void aMergePatchWritesOneVersion() {
        String e = entry("{\"name\":\"m\",\"value\":{\"keep\":true,\"drop\":1,\"nested\":{\"a\":1}}}");
        Response r = patch(e, MERGE, "{\"value\":{\"drop\":null,\"nested\":{\"b\":2}},\"name\":\"m2\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("\"2\"", r.header("ETag"));
        assertEquals(2, r.json().at("/meta/version").asLong());
        assertEquals("m2", r.json().path("name").asText());
        assertEquals("{\"keep\":true,\"nested\":{\"a\":1,\"b\":2}}", r.json().path("value").toString());
        assertEquals(2, versionCount(e));
        assertEquals(r.body(), api.get(e + "/versions/2").body());
        // null removes the value, as in a PUT
        Response removed = patch(e, MERGE, "{\"value\":null}");
        assertEquals(200, removed.status());
        assertTrue(removed.json().path("value").isMissingNode(), removed.body());
        assertEquals(3, versionCount(e));
    }

    @Test
    void aJsonPatchWritesOneVersion() {
        String e = entry("{\"name\":\"j\",\"value\":{\"list\":[1,2],\"n\":1}}");
        Response r = patch(e, JSON_PATCH, "[{\"op\":\"test\",\"path\":\"/value/n\",\"value\":1},"
                + "{\"op\":\"add\",\"path\":\"/value/list/-\",\"value\":3},"
                + "{\"op\":\"replace\",\"path\":\"/value/n\",\"value\":2},"
                + "{\"op\":\"move\",\"from\":\"/name\",\"path\":\"/value/oldName\"},"
                + "{\"op\":\"add\",\"path\":\"/name\",\"value\":\"j2\"}]");
        assertEquals(200, r.status(), r.toString());
        assertEquals(2, r.json().at("/meta/version").asLong());
        assertEquals("j2", r.json().path("name").asText());
        assertEquals("{\"list\":[1,2,3],\"n\":2,\"oldName\":\"j\"}", r.json().path("value").toString());
        assertEquals(2, versionCount(e));
        // the diff of that version is a patch that makes it again
        assertEquals(200, api.get(e + "/versions/2/diff").status());
    }

    @Test
    void untouchedNumbersKeepTheirBytes() {
        String e = entry("{\"name\":\"numbers\",\"value\":{\"a\":1.10,\"b\":12345678901234567890,\"c\":1e2,\"d\":-0.0,\"e\":[0.1000]}}");
        Response merged = patch(e, MERGE, "{\"value\":{\"f\":2.50}}");
        assertEquals(200, merged.status(), merged.toString());
        assertTrue(merged.body().contains("\"value\":{\"a\":1.10,\"b\":12345678901234567890,\"c\":1e2,\"d\":-0.0,\"e\":[0.1000],\"f\":2.50}"), merged.body());
        Response patched = patch(e, JSON_PATCH, "[{\"op\":\"test\",\"path\":\"/value/a\",\"value\":1.1},{\"op\":\"remove\",\"path\":\"/value/f\"}]");
        assertEquals(200, patched.status(), patched.toString());
        assertTrue(patched.body().contains("\"value\":{\"a\":1.10,\"b\":12345678901234567890,\"c\":1e2,\"d\":-0.0,\"e\":[0.1000]}"), patched.body());
        assertTrue(api.get(e).body().contains("\"value\":{\"a\":1.10,\"b\":12345678901234567890,\"c\":1e2,\"d\":-0.0,\"e\":[0.1000]}"));
    }

    @Test
    void ifMatchMismatchIs412AndWritesNothing() {
        String e = entry("{\"name\":\"if\",\"value\":1}");
        Response stale = api.with("Content-Type", MERGE).with("If-Match", "\"7\"").send("PATCH", e, "{\"value\":2}");
        assertEquals(412, stale.status());
        assertEquals("precondition_failed", stale.json().path("error").asText());
        assertEquals("\"1\"", stale.header("ETag"));
        Response fresh = api.with("Content-Type", MERGE).with("If-Match", "\"1\"").send("PATCH", e, "{\"value\":2}");
        assertEquals(200, fresh.status());
        assertEquals(2, versionCount(e));
    }

    @Test
    void aFailedTestIs409AndWritesNothing() {
        String e = entry("{\"name\":\"t\",\"value\":{\"n\":1}}");
        Response r = patch(e, JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/value/n\",\"value\":5},{\"op\":\"test\",\"path\":\"/value/n\",\"value\":1}]");
        assertEquals(409, r.status(), r.toString());
        assertEquals("test_failed", r.json().path("error").asText());
        assertEquals(1, versionCount(e));
        assertEquals(409, patch(e, JSON_PATCH, "[{\"op\":\"test\",\"path\":\"/value/missing\",\"value\":1}]").status());
        assertEquals(1, versionCount(e));
    }

    @Test
    void malformedPatchesAre400AndUnapplicableOnes422() {
        String e = entry("{\"name\":\"bad\",\"value\":{\"n\":1}}");
        String[][] cases = {
            {JSON_PATCH, "{\"op\":\"add\"}", "400"},
            {JSON_PATCH, "[{\"op\":\"frobnicate\",\"path\":\"/name\"}]", "400"},
            {JSON_PATCH, "[{\"op\":\"add\",\"path\":\"/name\"}]", "400"},
            {JSON_PATCH, "[{\"op\":\"add\",\"path\":\"/name\",\"value\":1", "400"},
            {MERGE, "{\"name\":\"x\",\"name\":\"y\"}", "400"},
            {MERGE, "", "400"},
            {MERGE, "{\"name\":\"\\ud800\"}", "400"},
            {JSON_PATCH, "[{\"op\":\"remove\",\"path\":\"/value/missing/deeper\"}]", "422"},
            {JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/nothing\",\"value\":1}]", "422"},
            {JSON_PATCH, "[{\"op\":\"add\",\"path\":\"/deleted\",\"value\":true}]", "422"},
            {JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":7}]", "422"},
            {JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"\"}]", "422"},
            {JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"" + "n".repeat(1001) + "\"}]", "422"},
            {JSON_PATCH, "[{\"op\":\"remove\",\"path\":\"/name\"},{\"op\":\"remove\",\"path\":\"/value\"}]", "422"},
            {MERGE, "{\"name\":null,\"value\":null}", "422"},
            {MERGE, "[1]", "422"},
        };
        for (String[] c : cases) {
            Response r = patch(e, c[0], c[1]);
            assertEquals(Integer.parseInt(c[2]), r.status(), c[0] + " " + c[1] + ": " + r);
            assertEquals(c[2].equals("400") ? "bad_request" : "unprocessable_entity", r.json().path("error").asText(), r.toString());
        }
        Response bytes = api.with("Content-Type", MERGE).sendBytes("PATCH", e, new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
        assertEquals(400, bytes.status());
        assertEquals(1, versionCount(e));
    }

    @Test
    void otherMediaTypesAre415() {
        String e = entry("{\"name\":\"media\"}");
        for (String type : new String[] {"application/json", "text/plain"}) {
            Response r = patch(e, type, "{\"value\":1}");
            assertEquals(415, r.status(), type);
            assertEquals("unsupported_media_type", r.json().path("error").asText());
            assertTrue(r.header("Accept-Patch").contains(MERGE) && r.header("Accept-Patch").contains(JSON_PATCH));
        }
        assertEquals(200, patch(e, MERGE + "; charset=utf-8", "{\"value\":1}").status());
        assertEquals(2, versionCount(e));
    }

    @Test
    void readOnlyKeysGet403() {
        String e = entry("{\"name\":\"ro\"}");
        Response r = server.http().with("x-api-key", TestServer.KEY_A_READ).with("Content-Type", MERGE).send("PATCH", e, "{\"value\":1}");
        assertEquals(403, r.status());
        assertEquals("forbidden", r.json().path("error").asText());
        assertEquals(401, server.http().with("Content-Type", MERGE).send("PATCH", e, "{\"value\":1}").status());
        assertEquals(1, versionCount(e));
    }

    @Test
    void renamingOntoATakenNameIs409WithTheHolder() {
        String holder = entry("{\"name\":\"taken\"}");
        String e = entry("{\"name\":\"free\"}");
        Response r = patch(e, MERGE, "{\"name\":\"taken\"}");
        assertEquals(409, r.status(), r.toString());
        assertEquals("conflict", r.json().path("error").asText());
        assertEquals(holder.substring(holder.lastIndexOf('/') + 1), r.json().at("/item/meta/entry").asText());
        assertEquals(1, versionCount(e));
        assertEquals("free", api.get(e).json().get(0).path("name").asText());
    }

    @Test
    void deletedAndMissingItemsAre404() {
        String e = entry("{\"name\":\"gone\"}");
        api.delete(e);
        assertEquals(404, patch(e, MERGE, "{\"value\":1}").status());
        assertEquals(404, patch(entries + "/never", MERGE, "{\"value\":1}").status());
        String other = entry("{\"name\":\"mine\"}");
        assertEquals(404, server.appB().with("Content-Type", MERGE).send("PATCH", other, "{\"value\":1}").status(), "another application");
        assertEquals(1, versionCount(other));
        assertEquals(2, versionCount(e));
    }

    @Test
    void collectionsArePatchedToo() {
        String c = "/api/user/patcher/collection/" + api.post("/api/user/patcher/collection", "{\"name\":\"c1\"}").json().at("/meta/collection").asText();
        Response r = patch(c, JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"c2\"},{\"op\":\"add\",\"path\":\"/value\",\"value\":{\"meta\":1}}]");
        assertEquals(200, r.status(), r.toString());
        assertEquals("c2", r.json().path("name").asText());
        assertEquals(422, patch(c, MERGE, "{\"name\":null}").status(), "a collection needs a name");
        assertEquals(2, versionCount(c));
    }

    @Test
    void concurrentPatchesWithoutIfMatchEachGetTheirOwnVersion() throws Exception {
        String e = entry("{\"name\":\"race\",\"value\":{\"seen\":[]}}");
        int writers = 8;
        List<Callable<Response>> patches = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int n = i;
            patches.add(() -> patch(e, JSON_PATCH, "[{\"op\":\"add\",\"path\":\"/value/seen/-\",\"value\":" + n + "}]"));
        }
        TreeSet<Long> versions = new TreeSet<>();
        for (Response r : Concurrently.together(patches)) {
            assertEquals(200, r.status(), r.toString());
            versions.add(r.json().at("/meta/version").asLong());
        }
        assertEquals(writers, versions.size());
        assertEquals(2L, versions.first());
        assertEquals(writers + 1L, versions.last());
        JsonNode all = api.get(e + "?filter=all").json();
        assertEquals(writers + 1, all.size());
        // every patch applied to the version before it: none is lost
        assertEquals(writers, all.get(writers).at("/value/seen").size());
    }

    @Test
    void patchAnswersErrorsAsJsonEverywhere() {
        Http raw = server.http().with("x-api-key", TestServer.KEY_A).with("Content-Type", MERGE);
        Response badId = raw.send("PATCH", "/api/user/patcher/collection/bad%20id", "{\"name\":\"x\"}");
        assertEquals(400, badId.status());
        assertEquals("bad_request", badId.json().path("error").asText());
        Response noRoute = raw.send("PATCH", "/api/user/patcher/collection", "{\"name\":\"x\"}");
        assertEquals(405, noRoute.status());
        assertEquals("method_not_allowed", noRoute.json().path("error").asText());
    }
}
