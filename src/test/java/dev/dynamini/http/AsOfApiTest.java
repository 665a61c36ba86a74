package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ?asOf=<instant> on item reads and lists: the state as it was then, deletes included. */
class AsOfApiTest extends ServerPerClass {

    @Test
    void anItemReadsAsItWasAtAnyInstant() throws Exception {
        String entries = "/api/user/tim/collection/asof-items/entry";
        Response created = api.post(entries, "{\"name\":\"clock\",\"value\":{\"v\":1}}");
        String one = entries + "/" + created.json().path("meta").path("entry").asText();
        Instant v1 = updatedAt(created);
        Instant v2 = updatedAt(later(() -> api.put(one, "{\"value\":{\"v\":2}}")));
        Instant v3 = updatedAt(later(() -> api.delete(one)));

        assertEquals(1, api.get(one + "?asOf=" + at(v1)).json().get(0).path("value").path("v").asInt());
        assertEquals(1, api.get(one + "?asOf=" + at(v2.minusMillis(1))).json().get(0).path("value").path("v").asInt());
        Response second = api.get(one + "?asOf=" + at(v2));
        assertEquals(2, second.json().get(0).path("value").path("v").asInt());
        assertEquals("\"2\"", second.header("ETag"), "the ETag is the version of then");
        assertEquals(404, api.get(one + "?asOf=" + at(v3)).status(), "deleted by then: latest shows nothing");
        JsonNode deleted = api.get(one + "?asOf=" + at(v3) + "&filter=current").json().get(0);
        assertFalse(deleted.path("meta").path("deletedAt").isMissingNode());
        assertEquals(404, api.get(one + "?asOf=" + at(v1.minusMillis(1)) + "&filter=current").status(), "not created yet");
        assertEquals(2, api.get(one + "?asOf=" + at(v2) + "&filter=all").json().size(), "the versions written by then");
        assertEquals(3, api.get(one + "?filter=all").json().size(), "without asOf: now");
        // an offset is an instant too
        String withOffset = v2.atOffset(java.time.ZoneOffset.ofHours(2)).toString();
        assertEquals(2, api.get(one + "?asOf=" + URLEncoder.encode(withOffset, StandardCharsets.UTF_8)).json().get(0).path("value").path("v").asInt());
    }

    @Test
    void listsShowEachItemAsItWasAndLeaveOutLaterOnes() throws Exception {
        String entries = "/api/user/tim/collection/asof-list/entry";
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(api.post(entries, "{\"name\":\"e" + i + "\"}").json().path("meta").path("entry").asText());
        }
        Instant then = updatedAt(later(() -> api.put(entries + "/" + before.get(4), "{\"name\":\"e4\",\"value\":1}")));
        later(() -> api.put(entries + "/" + before.get(0), "{\"name\":\"renamed\"}"));
        api.delete(entries + "/" + before.get(1));
        api.post(entries, "{\"name\":\"newer\"}");

        Response list = api.get(entries + "?asOf=" + at(then));
        assertEquals(5, list.json().size(), list.toString());
        assertEquals("e0", list.json().get(0).path("name").asText(), "the name it had then");
        assertEquals(1, list.json().get(4).path("value").asInt());
        assertEquals(5, api.get(entries).json().size(), "now: e1 deleted, newer added");

        // paged, with cursors of that instant
        List<String> paged = new ArrayList<>();
        String next = entries + "?asOf=" + at(then) + "&limit=2";
        while (next != null) {
            Response page = api.get(next);
            assertEquals(200, page.status(), page.toString());
            page.json().forEach(e -> paged.add(e.path("meta").path("entry").asText()));
            String cursor = page.header("X-Next-Cursor");
            next = cursor == null ? null : entries + "?asOf=" + at(then) + "&limit=2&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        }
        assertEquals(before, paged);
        String nowCursor = api.get(entries + "?limit=2").header("X-Next-Cursor");
        assertEquals(400, api.get(entries + "?asOf=" + at(then) + "&limit=2&cursor=" + URLEncoder.encode(nowCursor, StandardCharsets.UTF_8)).status(),
                "a cursor of another instant's listing is refused");

        assertEquals(6, api.get(entries + "?asOf=" + at(then) + "&filter=all").json().size(), "5 creates and 1 change by then");
        assertTrue(api.get("/api/user/tim/collection?asOf=" + at(then)).json().size() >= 1);
        assertTrue(api.get("/api/collection?asOf=" + at(then)).json().size() >= 1);
    }

    @Test
    void aCollectionDeletedSinceStillListsItsEntriesAsOfBefore() throws Exception {
        Response entry = api.post("/api/user/tim/collection/asof-gone/entry", "{\"name\":\"kept\"}");
        Instant then = updatedAt(entry);
        later(() -> api.delete("/api/user/tim/collection/asof-gone"));
        assertEquals(0, api.get("/api/user/tim/collection/asof-gone/entry").json().size());
        assertEquals(1, api.get("/api/user/tim/collection/asof-gone/entry?asOf=" + at(then)).json().size());
        String one = "/api/user/tim/collection/asof-gone/entry/" + entry.json().path("meta").path("entry").asText();
        assertEquals(200, api.get(one + "?asOf=" + at(then)).status());
        assertEquals(404, api.get(one).status());
    }

    @Test
    void badAsOfIs400() {
        for (String bad : new String[] {"yesterday", "2026-13-01T00:00:00Z", "2026-11-26T10:00:00", "1700000000"}) {
            Response r = api.get("/api/user/tim/collection?asOf=" + URLEncoder.encode(bad, StandardCharsets.UTF_8));
            assertEquals(400, r.status(), bad + " -> " + r);
            assertEquals("bad_request", r.json().path("error").asText());
        }
        assertEquals(400, api.get("/api/user/tim/collection?name=x&asOf=2026-11-26T10:00:00Z").status());
    }

    private interface Write {
        Response send();
    }

    /** A write at least a few milliseconds after the previous one, so that instants tell them apart. */
    private static Response later(Write write) throws InterruptedException {
        Thread.sleep(5);
        Response r = write.send();
        assertTrue(r.status() < 300, r.toString());
        return r;
    }

    private static Instant updatedAt(Response r) {
        return Instant.parse(r.json().path("meta").path("updatedAt").asText());
    }

    private static String at(Instant instant) {
        return instant.toString();
    }
}
