package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import org.junit.jupiter.api.Test;

/** API keys, read-only keys, and the isolation of applications, over HTTP. */
class AuthApiTest extends ServerPerClass {
    @Test
    void missingOrUnknownKeysAre401() {
        for (Http client : new Http[] {server.http(), server.http().with("x-api-key", "wrong-key-123"), server.http().with("x-api-key", "")}) {
            Response r = client.get("/api/user/u/collection");
            assertEquals(401, r.status());
            assertEquals("unauthorized", r.json().path("error").asText());
            assertEquals(401, client.post("/api/user/u/collection", "{\"name\":\"x\"}").status());
        }
        assertEquals(0, server.appA().get("/api/user/u/collection").json().size());
        assertEquals(200, server.http().get("/health").status(), "operations routes need no key");
    }

    @Test
    void readOnlyKeysReadButGet403OnEveryWrite() {
        Http writer = server.appA();
        Http reader = server.http().with("x-api-key", TestServer.KEY_A_READ);
        String c = CollectionApiTest.create(writer, "ro", "list");
        String entry = EntryApiTest.createEntry(writer, "/api/user/ro/collection/" + c + "/entry", "{\"name\":\"e\"}");
        assertEquals(1, reader.get("/api/user/ro/collection").json().size());
        String one = "/api/user/ro/collection/" + c + "/entry/" + entry;
        assertEquals(200, reader.get(one).status());

        Response[] writes = {
            reader.post("/api/user/ro/collection", "{\"name\":\"new\"}"),
            reader.put("/api/user/ro/collection/" + c, "{\"name\":\"renamed\"}"),
            reader.delete("/api/user/ro/collection/" + c),
            reader.post("/api/user/ro/collection/" + c + "/entry", "{\"name\":\"f\"}"),
            reader.put(one, "{\"name\":\"g\"}"),
            reader.delete(one),
            reader.post(one + "/restore", null),
        };
        for (Response r : writes) {
            assertEquals(403, r.status(), r.toString());
            assertEquals("forbidden", r.json().path("error").asText());
        }
        assertEquals(1, writer.get("/api/user/ro/collection?filter=all").json().size(), "nothing written");
        assertEquals(1, writer.get(one + "?filter=all").json().size());
    }

    @Test
    void severalKeysOfOneApplicationSeeTheSameData() {
        String c = CollectionApiTest.create(server.appA(), "rot", "shared");
        Response viaOtherKey = server.http().with("x-api-key", TestServer.KEY_A2).get("/api/user/rot/collection/" + c);
        assertEquals(200, viaOtherKey.status());
    }

    @Test
    void applicationsWithTheSameNamesNeverSeeEachOther() {
        Http a = server.appA();
        Http b = server.appB();
        String ca = CollectionApiTest.create(a, "same-user", "same-name");
        String cb = CollectionApiTest.create(b, "same-user", "same-name");
        assertTrue(!ca.equals(cb));
        String ea = EntryApiTest.createEntry(a, "/api/user/same-user/collection/" + ca + "/entry", "{\"name\":\"e\",\"value\":{\"owner\":\"a\"}}");

        assertEquals(1, b.get("/api/user/same-user/collection").json().size());
        assertEquals("app-b", b.get("/api/user/same-user/collection").json().get(0).path("meta").path("application").asText());
        assertEquals(1, b.get("/api/collection").json().size());
        // b cannot read, list, change or delete a's collection or entry even knowing the ids
        assertEquals(404, b.get("/api/user/same-user/collection/" + ca).status());
        assertEquals(0, b.get("/api/user/same-user/collection/" + ca + "/entry?filter=all").json().size());
        assertEquals(404, b.get("/api/user/same-user/collection/" + ca + "/entry/" + ea + "?filter=current").status());
        assertEquals(404, b.delete("/api/user/same-user/collection/" + ca).status());
        assertEquals(404, b.get("/api/user/same-user/collection/" + ca + "/versions").status());
        // writing to those ids creates b's own items (implicit collections, PUT creates), never touching a's
        Response intruder = b.post("/api/user/same-user/collection/" + ca + "/entry", "{\"name\":\"intruder\"}");
        assertEquals(201, intruder.status(), intruder.toString());
        assertEquals("app-b", intruder.json().path("meta").path("application").asText());
        Response put = b.put("/api/user/same-user/collection/" + ca + "/entry/" + ea, "{\"name\":\"x\"}");
        assertEquals(201, put.status(), "a new entry of b's, version 1: " + put);
        assertEquals(1, put.json().path("meta").path("version").asInt());
        assertEquals(1, a.get("/api/user/same-user/collection/" + ca + "/entry?filter=all").json().size(), "a's collection is untouched");
        assertEquals("e", a.get("/api/user/same-user/collection/" + ca + "/entry/" + ea).json().get(0).path("name").asText());
        assertEquals("same-name", a.get("/api/user/same-user/collection/" + ca).json().get(0).path("name").asText());
    }
}
