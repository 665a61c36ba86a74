package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.metrics.DynamoUsage;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A JSON Schema per collection (issue 11, part 3): set with the collection, checked when set,
 * applied to every entry write into it, versioned with the collection. Real HTTP on DynamoDB Local.
 */
class SchemaApiTest extends ServerPerClass {
    private static final String MERGE = "application/merge-patch+json";
    private static final String JSON_PATCH = "application/json-patch+json";
    /** Todos: a title, an optional whole count of at least 0, nothing else. */
    private static final String TODO = j("{'type':'object','required':['title'],'additionalProperties':false,"
            + "'properties':{'title':{'type':'string','minLength':1},'count':{'type':'integer','minimum':0},'done':{'type':'boolean'}}}");
    private static final AtomicInteger USERS = new AtomicInteger();

    /** JSON written with single quotes, for legibility (no value here holds one). */
    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** A fresh user per test, so that names and listings never meet. */
    private static String user() {
        return "/api/user/schemer" + USERS.incrementAndGet();
    }

    /** A new collection of a fresh user, with that schema (null: none); its path. */
    private static String collection(String schema) {
        Response r = api.post(user() + "/collection", "{\"name\":\"todos\"" + (schema == null ? "" : ",\"schema\":" + schema) + "}");
        assertEquals(201, r.status(), r.toString());
        return "/api/user/" + r.json().at("/meta/user").asText() + "/collection/" + r.json().at("/meta/collection").asText();
    }

    private static String entry(String collection, String body) {
        Response r = api.post(collection + "/entry", body);
        assertEquals(201, r.status(), r.toString());
        return collection + "/entry/" + r.json().at("/meta/entry").asText();
    }

    private static Response patch(String path, String type, String body) {
        return api.with("Content-Type", type).send("PATCH", path, body);
    }

    private static int versions(String item) {
        return api.get(item + "/versions").json().size();
    }

    /** 400 schema_violation, with a message and a detail at that path and keyword. */
    private static void assertViolation(Response r, String path, String keyword) {
        assertEquals(400, r.status(), r.toString());
        JsonNode body = r.json();
        assertEquals("schema_violation", body.path("error").asText(), r.toString());
        assertTrue(body.path("message").asText().startsWith("the value does not match the schema of collection "), r.toString());
        boolean found = false;
        for (JsonNode detail : body.path("details")) {
            assertTrue(detail.has("message") && !detail.path("message").asText().isEmpty(), r.toString());
            found |= detail.path("path").asText().equals(path) && detail.path("keyword").asText().equals(keyword);
        }
        assertTrue(found, "a detail at \"" + path + "\" for " + keyword + ": " + r);
    }

    private static void assertInvalidSchema(Response r, String path) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_schema", r.json().path("error").asText(), r.toString());
        if (path != null) {
            boolean found = false;
            for (JsonNode detail : r.json().path("details")) {
                found |= detail.path("path").asText().equals(path);
            }
            assertTrue(found, "a detail at " + path + ": " + r);
        }
    }

    @Test
    void aCollectionCarriesItsSchemaAsSent() {
        String schema = j("{'$comment':'ünï ✓','type':'object','properties':{'price':{'type':'number','multipleOf':0.01,'maximum':1.10e3}}}");
        String c = collection(schema);
        Response read = api.get(c);
        assertTrue(read.body().contains("\"schema\":" + schema), read.body());
        // PUT without "schema" keeps it (as with "value"); the rename is version 2
        Response renamed = api.put(c, "{\"name\":\"renamed\"}");
        assertEquals(200, renamed.status(), renamed.toString());
        assertEquals(2, renamed.json().at("/meta/version").asInt());
        assertTrue(renamed.body().contains("\"schema\":" + schema), renamed.body());
        // in every listing and version
        assertTrue(api.get(c.substring(0, c.lastIndexOf('/'))).body().contains("\"schema\":" + schema));
        assertTrue(api.get(c + "/versions/1").body().contains("\"schema\":" + schema));
        // a collection without one shows none
        assertFalse(api.get(collection(null)).json().get(0).has("schema"));
    }

    @Test
    void entryWritesThatMatchPassAndOthersAre400WritingNothing() {
        String c = collection(TODO);
        // POST
        String e = entry(c, j("{'name':'first','value':{'title':'milk','count':2}}"));
        assertViolation(api.post(c + "/entry", j("{'name':'bad','value':{'title':'eggs','count':-1}}")), "/count", "minimum");
        assertViolation(api.post(c + "/entry", j("{'value':{'count':'two'}}")), "", "required");
        assertViolation(api.post(c + "/entry", j("{'value':{'title':'x','extra':1}}")), "", "additionalProperties");
        assertViolation(api.post(c + "/entry", j("{'value':[1,2]}")), "", "type");
        assertEquals(1, api.get(c + "/entry?filter=all").json().size(), "no entry but the first was written");
        assertEquals(0, api.get(c + "/entry?name=bad").json().size());

        // PUT: the resulting value, a kept one included, must match
        assertViolation(api.put(e, j("{'value':{'title':''}}")), "/title", "minLength");
        assertEquals(1, versions(e));
        Response put = api.put(e, j("{'value':{'title':'milk','count':3,'done':false}}"));
        assertEquals(200, put.status(), put.toString());
        assertEquals(2, versions(e));

        // PATCH, both kinds
        assertViolation(patch(e, MERGE, j("{'value':{'count':1.5}}")), "/count", "type");
        assertViolation(patch(e, JSON_PATCH, j("[{'op':'remove','path':'/value/title'}]")), "", "required");
        assertViolation(patch(e, JSON_PATCH, j("[{'op':'add','path':'/value/tags','value':['a']}]")), "", "additionalProperties");
        assertEquals(2, versions(e), "nothing written");
        Response patched = patch(e, MERGE, j("{'value':{'done':true}}"));
        assertEquals(200, patched.status(), patched.toString());
        assertEquals(3, patched.json().at("/meta/version").asInt());
        Response jsonPatched = patch(e, JSON_PATCH, j("[{'op':'replace','path':'/value/count','value':0}]"));
        assertEquals(200, jsonPatched.status(), jsonPatched.toString());

        // PUT on an id that never existed creates it: checked the same
        assertViolation(api.put(c + "/entry/chosen", j("{'value':{}}")), "", "required");
        assertEquals(404, api.get(c + "/entry/chosen").status(), "nothing created");
        assertEquals(201, api.put(c + "/entry/chosen", j("{'value':{'title':'chosen'}}")).status());
    }

    @Test
    void anEntryWithoutAValueIsNotChecked() {
        String c = collection(TODO);
        String e = entry(c, j("{'name':'just a name'}"));
        assertEquals(200, api.put(e, j("{'name':'still no value'}")).status());
        String withValue = entry(c, j("{'name':'valued','value':{'title':'t'}}"));
        Response removed = api.put(withValue, j("{'value':null}"));
        assertEquals(200, removed.status(), "removing the value leaves nothing to check: " + removed);
        assertFalse(removed.json().has("value"));
    }

    @Test
    void theSchemaIsCheckedWhenSetAndAnInvalidOneWritesNothing() {
        String u = user();
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':{'type':5}}")), "/type");
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':{'properties':{'n':{'minimum':'zero'}}}}")), "/properties/n/minimum");
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':[]}")), null);
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':'a string'}")), null);
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':{'pattern':'['}}")), null);
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':{'$schema':'https://example.com/mine'}}")), "/$schema");
        // nothing is fetched: a $ref to anything but the schema's own parts is refused
        Response remote = api.post(u + "/collection", j("{'name':'bad','schema':{'$ref':'https://example.com/todo.json'}}"));
        assertInvalidSchema(remote, null);
        assertTrue(remote.json().path("message").asText().contains("nothing else is loaded"), remote.toString());
        assertInvalidSchema(api.post(u + "/collection", j("{'name':'bad','schema':{'$ref':'file:///etc/passwd'}}")), null);
        assertEquals(0, api.get(u + "/collection?filter=all").json().size(), "nothing written");

        // on an existing collection: PUT, PATCH (both kinds), PUT-create
        String c = collection(null);
        assertInvalidSchema(api.put(c, j("{'schema':{'required':'title'}}")), "/required");
        assertInvalidSchema(patch(c, MERGE, j("{'schema':{'type':'thing'}}")), "/type");
        assertInvalidSchema(patch(c, JSON_PATCH, j("[{'op':'add','path':'/schema','value':{'minimum':{}}}]")), "/minimum");
        assertEquals(1, versions(c));
        String chosen = c.substring(0, c.lastIndexOf('/') + 1) + "chosen";
        assertInvalidSchema(api.put(chosen, j("{'schema':{'type':5}}")), "/type");
        assertEquals(404, api.get(chosen).status());
    }

    @Test
    void changingTheSchemaIsANewVersionShownInHistoryAndDiffs() {
        String c = collection(null);
        String e = entry(c, j("{'name':'old','value':{'note':'written before any schema'}}"));
        Response set = api.put(c, "{\"schema\":" + TODO + "}");
        assertEquals(200, set.status(), set.toString());
        assertEquals(2, set.json().at("/meta/version").asInt());
        assertEquals("\"2\"", set.header("ETag"));
        Response history = api.get(c + "/versions");
        assertEquals(2, history.json().size());
        assertFalse(history.json().get(0).has("schema"));
        assertEquals(TODO, history.json().get(1).path("schema").toString());
        assertEquals("[{\"op\":\"add\",\"path\":\"/schema\",\"value\":" + TODO + "}]", api.get(c + "/versions/2/diff").body());

        // a change of one keyword, by merge patch: a new version, a diff of just that
        Response loosened = patch(c, MERGE, j("{'schema':{'additionalProperties':null}}"));
        assertEquals(200, loosened.status(), loosened.toString());
        assertEquals(3, loosened.json().at("/meta/version").asInt());
        assertEquals(j("[{'op':'remove','path':'/schema/additionalProperties'}]"), api.get(c + "/versions/3/diff").body());
        Response tightened = patch(c, JSON_PATCH, j("[{'op':'replace','path':'/schema/properties/count/minimum','value':1}]"));
        assertEquals(200, tightened.status(), tightened.toString());
        assertEquals(j("[{'op':'replace','path':'/schema/properties/count/minimum','value':1}]"), api.get(c + "/versions/4/diff").body());

        // entries written before are not checked again: still readable, deletable; a write must fix the value
        assertEquals(200, api.get(e).status());
        assertViolation(api.put(e, j("{'name':'renamed'}")), "", "required");
        assertEquals(1, versions(e));
        assertEquals(200, api.put(e, j("{'name':'renamed','value':{'title':'fixed','count':1}}")).status());
        // and the current schema is the one applied: count 0 now breaks minimum 1
        assertViolation(api.put(e, j("{'value':{'title':'fixed','count':0}}")), "/count", "minimum");
    }

    @Test
    void theSchemaIsRemovedByNullAndKeptWhenOmitted() {
        String c = collection(TODO);
        assertViolation(api.post(c + "/entry", j("{'value':{'anything':true}}")), "", "required");
        Response kept = api.put(c, j("{'value':{'meta':'data'}}"));
        assertEquals(TODO, kept.json().path("schema").toString());
        Response removed = api.put(c, j("{'schema':null}"));
        assertEquals(200, removed.status(), removed.toString());
        assertEquals(3, removed.json().at("/meta/version").asInt());
        assertFalse(removed.json().has("schema"));
        assertEquals(j("{'meta':'data'}"), removed.json().path("value").toString(), "the rest kept");
        entry(c, j("{'value':{'anything':true}}"));
        // by merge patch as well, after setting it again by PATCH
        assertEquals(200, patch(c, MERGE, "{\"schema\":" + TODO + "}").status());
        assertViolation(api.post(c + "/entry", j("{'value':{'anything':true}}")), "", "required");
        Response unset = patch(c, MERGE, j("{'schema':null}"));
        assertEquals(200, unset.status());
        assertFalse(unset.json().has("schema"));
        entry(c, j("{'value':{'anything':true}}"));
        // restoring a collection's version restores its schema
        Response restored = api.post(c + "/restore", j("{'version':1}"));
        assertEquals(200, restored.status(), restored.toString());
        assertEquals(TODO, restored.json().path("schema").toString());
        assertViolation(api.post(c + "/entry", j("{'value':{'anything':true}}")), "", "required");
    }

    @Test
    void restoringAnEntryVersionThatBreaksTheCurrentSchemaIs400() {
        String c = collection(null);
        String e = entry(c, j("{'name':'e','value':{'free':'form'}}"));
        assertEquals(200, api.put(e, j("{'value':{'title':'tidy'}}")).status());
        assertEquals(200, api.put(c, "{\"schema\":" + TODO + "}").status());
        assertViolation(api.post(e + "/restore", j("{'version':1}")), "", "required");
        assertEquals(2, versions(e), "nothing written");
        Response fine = api.post(e + "/restore", j("{'version':2}"));
        assertEquals(200, fine.status(), fine.toString());
        assertEquals(3, versions(e));
        // a delete is never checked, and the default restore (the deleted content) is
        assertEquals(200, api.put(e, j("{'value':{'title':'tidy','count':5}}")).status());
        assertEquals(200, api.put(c, j("{'schema':{'properties':{'count':{'maximum':1}}}}")).status());
        assertEquals(200, api.delete(e).status());
        assertViolation(api.post(e + "/restore", null), "/count", "maximum");
        assertEquals(404, api.get(e).status(), "still deleted");
    }

    @Test
    void entriesHaveNoSchema() {
        String c = collection(null);
        Response post = api.post(c + "/entry", j("{'name':'e','schema':{'type':'object'}}"));
        assertEquals(400, post.status(), post.toString());
        assertEquals("bad_request", post.json().path("error").asText());
        assertTrue(post.json().path("message").asText().contains("an entry has no \"schema\""), post.toString());
        assertEquals(0, api.get(c + "/entry?filter=all").json().size());
        String e = entry(c, j("{'name':'e'}"));
        assertEquals(400, api.put(e, j("{'schema':null}")).status(), "null too");
        assertEquals(400, api.put(e, j("{'name':'f','schema':true}")).status());
        Response patched = patch(e, MERGE, j("{'schema':{}}"));
        assertEquals(422, patched.status(), patched.toString());
        assertEquals("unprocessable_entity", patched.json().path("error").asText());
        assertEquals(1, versions(e));
        assertFalse(api.get(e).json().get(0).has("schema"));
    }

    @Test
    void aPatternThatBacktracksIsCutShort() {
        String c = collection(j("{'properties':{'words':{'type':'string','pattern':'^(\\\\w+\\\\s?)*$'}}}"));
        entry(c, j("{'value':{'words':'a few words'}}"));
        long start = System.nanoTime();
        Response slow = api.post(c + "/entry", j("{'value':{'words':'" + "a".repeat(20000) + "!'}}"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertViolation(slow, "", "pattern");
        assertTrue(slow.json().path("details").get(0).path("message").asText().contains("took longer than"), slow.toString());
        assertTrue(millis < 10_000, "answered in " + millis + " ms");
    }

    @Test
    void exportAndImportKeepTheSchemaAndTheHistoryAsItWas() {
        Http app = server.appB();
        String c = "/api/user/porter/collection/" + app.post("/api/user/porter/collection", "{\"name\":\"kept\",\"schema\":" + TODO + "}")
                .json().at("/meta/collection").asText();
        String before = "/api/user/porter/collection/" + app.post("/api/user/porter/collection", "{\"name\":\"later\"}").json().at("/meta/collection").asText();
        assertEquals(201, app.post(before + "/entry", j("{'value':{'free':'form'}}")).status());
        assertEquals(200, app.put(before, "{\"schema\":" + TODO + "}").status());
        assertEquals(201, app.post(c + "/entry", j("{'value':{'title':'t','count':1.0}}")).status());
        String export = app.get("/api/export").body();
        assertTrue(export.contains("\"schema\":" + TODO), export);
        try (TestServer other = TestServer.start()) {
            Response imported = other.appB().with("Content-Type", "application/x-ndjson").post("/api/import", export);
            assertEquals(200, imported.status(), imported.toString());
            assertEquals(export, other.appB().get("/api/export").body(), "export, import, export: byte-identical");
            // the imported schema is in force
            assertViolation(other.appB().post(before + "/entry", j("{'value':{'free':'form'}}")), "", "required");
            // an invalid schema in a stream is refused, naming the line
            String broken = export.replace("\"schema\":" + TODO, j("\"schema\":{'type':5}"));
            try (TestServer third = TestServer.start()) {
                Response refused = third.appB().with("Content-Type", "application/x-ndjson").post("/api/import", broken);
                assertEquals(400, refused.status(), refused.toString());
                assertTrue(refused.json().path("message").asText().startsWith("line 1: the schema is not a valid JSON Schema"), refused.toString());
            }
        }
    }

    @Test
    void anEntryWriteTakesTheCollectionHeadFromWhatTheInstanceRemembers() {
        String c = collection(TODO);
        entry(c, j("{'value':{'title':'counted'}}"));
        // this instance wrote the collection: it knows its head (live, its schema) and reads none of it
        DynamoUsage post = RequestRecordAssert.dynamoRequests(server, "POST", 2); // the version, the head (no name to claim)
        assertEquals(0.0, post.readUnits(), 1e-9, post.toString());
        String e = entry(c, j("{'value':{'title':'again'}}"));
        api.put(e, j("{'value':{'title':'changed'}}"));
        // the entry's head, the version, the head
        assertEquals(1.0, RequestRecordAssert.dynamoRequests(server, "PUT", 3).readUnits(), 1e-9);
        api.post(e + "/restore", null); // the default: the latest content (a restore of version n also reads version n)
        assertEquals(1.0, RequestRecordAssert.dynamoRequests(server, "POST", 3).readUnits(), 1e-9);
        assertEquals(400, api.put(e, j("{'value':{'title':7}}")).status(), "the remembered schema is the one checked");
        api.delete(e);
        RequestRecordAssert.dynamoRequests(server, "DELETE", 3); // the entry's head, the version, the head
    }
}
