package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import org.junit.jupiter.api.Test;

/** GET /api/whoami tells a key's application and access without writing anything. */
class WhoAmIApiTest extends ServerPerClass {

    @Test
    void aReadWriteKeyMayWrite() {
        Response r = api.get("/api/whoami");
        assertEquals(200, r.status(), r.toString());
        assertEquals("app-a", r.json().path("application").asText());
        assertEquals("readwrite", r.json().path("access").asText());
        assertEquals("app-b", server.appB().get("/api/whoami").json().path("application").asText());
    }

    @Test
    void aReadOnlyKeyIsToldSo() {
        Response r = server.http().with("x-api-key", TestServer.KEY_A_READ).get("/api/whoami");
        assertEquals(200, r.status(), r.toString());
        assertEquals("app-a", r.json().path("application").asText());
        assertEquals("read", r.json().path("access").asText());
    }

    @Test
    void noKeyOrAnUnknownKeyIs401() {
        Response none = server.http().get("/api/whoami");
        assertEquals(401, none.status());
        assertEquals("unauthorized", none.json().path("error").asText());
        assertEquals(401, server.http().with("x-api-key", "not-a-key-at-all").get("/api/whoami").status());
    }

    @Test
    void itIsOnlyRead() {
        Response post = api.post("/api/whoami", "{}");
        assertEquals(405, post.status(), post.toString());
        assertEquals("GET, HEAD", post.header("Allow"));
    }
}
