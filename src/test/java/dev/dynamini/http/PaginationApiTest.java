package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** limit and cursor on every listing, Link and X-Next-Cursor, and whole listings past 1 MB. */
class PaginationApiTest extends ServerPerClass {
    /** Follows X-Next-Cursor to the end, checking that Link announces the same page. */
    private static List<JsonNode> allPages(String path, int limit) {
        List<JsonNode> items = new ArrayList<>();
        String next = path + (path.contains("?") ? "&" : "?") + "limit=" + limit;
        while (next != null) {
            Response page = api.get(next);
            assertEquals(200, page.status(), page.toString());
            assertTrue(page.json().size() <= limit);
            page.json().forEach(items::add);
            String cursor = page.header("X-Next-Cursor");
            if (cursor == null) {
                assertNull(page.header("Link"));
                next = null;
            } else {
                String link = page.header("Link");
                assertTrue(link.endsWith(">; rel=\"next\""), link);
                next = link.substring(1, link.indexOf('>'));
                assertTrue(next.contains("cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            }
        }
        return items;
    }

    @Test
    void everyListingPagesThroughEveryItemExactlyOnce() {
        String c = CollectionApiTest.create(api, "pager", "pages");
        String entries = "/api/user/pager/collection/" + c + "/entry";
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(EntryApiTest.createEntry(api, entries, "{\"value\":{\"i\":" + i + "}}"));
        }
        api.delete(entries + "/" + created.get(5));
        List<String> live = new ArrayList<>(created);
        live.remove(5);

        assertEquals(live, EntryApiTest.ids(toArray(allPages(entries, 4))));
        assertEquals(created, EntryApiTest.ids(toArray(allPages(entries + "?filter=current", 5))));
        assertEquals(24, allPages(entries + "?filter=all", 7).size());
        assertEquals(2, allPages(entries + "/" + created.get(5) + "/versions", 1).size());
        for (int i = 0; i < 4; i++) {
            CollectionApiTest.create(api, "pager", "more-" + i);
        }
        assertEquals(5, allPages("/api/user/pager/collection", 2).size());
        assertEquals(5, allPages("/api/collection", 2).size());
        assertEquals(5, allPages("/api/collection?filter=all", 3).size());
    }

    @Test
    void pagingWhileWritersAddAndChangeItemsVisitsEachOriginalItemOnce() {
        String c = CollectionApiTest.create(api, "busy", "busy");
        String entries = "/api/user/busy/collection/" + c + "/entry";
        List<String> original = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            original.add(EntryApiTest.createEntry(api, entries, "{\"value\":{\"i\":" + i + "}}"));
        }
        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String next = entries + "?limit=3";
        int page = 0;
        while (next != null) {
            Response r = api.get(next);
            for (JsonNode item : r.json()) {
                String id = item.path("meta").path("entry").asText();
                assertTrue(seen.add(id), "visited twice: " + id);
                order.add(id);
            }
            // between pages: update an earlier item, a later item, and add new ones
            api.put(entries + "/" + original.get(0), "{\"value\":{\"page\":" + page + "}}");
            api.put(entries + "/" + original.get(11), "{\"value\":{\"page\":" + page + "}}");
            EntryApiTest.createEntry(api, entries, "{\"value\":{\"new\":" + page + "}}");
            page++;
            next = r.header("X-Next-Cursor") == null ? null : entries + "?limit=3&cursor=" + r.header("X-Next-Cursor");
        }
        assertTrue(seen.containsAll(original), "every original item visited");
        assertEquals(original, order.subList(0, 12), "in creation order");
    }

    @Test
    void limitsOutsideOneToAThousandAre400() {
        for (String limit : List.of("0", "-1", "1001", "abc", "1.5", "")) {
            if (limit.isEmpty()) {
                continue;
            }
            Response r = api.get("/api/user/x/collection?limit=" + limit);
            assertEquals(400, r.status(), limit);
            assertEquals("bad_request", r.json().path("error").asText());
        }
        assertEquals(200, api.get("/api/user/x/collection?limit=1000").status());
        assertEquals(200, api.get("/api/user/x/collection?limit=1").status());
    }

    @Test
    void alteredOrForeignCursorsAre400AndNeverLeakData() {
        String ca = CollectionApiTest.create(api, "own", "a");
        String entries = "/api/user/own/collection/" + ca + "/entry";
        for (int i = 0; i < 3; i++) {
            EntryApiTest.createEntry(api, entries, "{\"value\":{\"i\":" + i + "}}");
        }
        String cursor = api.get(entries + "?limit=1").header("X-Next-Cursor");
        assertNotNull(cursor);
        assertEquals(200, api.get(entries + "?limit=1&cursor=" + cursor).status());

        String payload = cursor.substring(0, cursor.indexOf('.'));
        String decoded = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(decoded.replace("own", "own2").getBytes(StandardCharsets.UTF_8))
                + cursor.substring(cursor.indexOf('.'));
        for (String bad : List.of(forged, cursor + "x", "garbage", cursor.replace('.', '-'), "a.b")) {
            Response r = api.get(entries + "?limit=1&cursor=" + URLEncoder.encode(bad, StandardCharsets.UTF_8));
            assertEquals(400, r.status(), bad);
        }
        // the same cursor on another listing, filter, user or application is refused
        String cb = CollectionApiTest.create(api, "own", "b");
        assertEquals(400, api.get("/api/user/own/collection/" + cb + "/entry?limit=1&cursor=" + cursor).status());
        assertEquals(400, api.get(entries + "?filter=current&limit=1&cursor=" + cursor).status());
        assertEquals(400, api.get("/api/user/own/collection?limit=1&cursor=" + cursor).status());
        Response other = server.appB().get(entries + "?limit=1&cursor=" + cursor);
        assertEquals(400, other.status());
    }

    @Test
    void withoutALimitTheWholeListingComesBackPastDynamoDbsOneMegabytePage() {
        String c = CollectionApiTest.create(api, "big", "big");
        String entries = "/api/user/big/collection/" + c + "/entry";
        String blob = "x".repeat(200 * 1024);
        int count = 8; // 8 x 200 KiB: 1.6 MB of heads, and 1.6 MB more of versions
        for (int i = 0; i < count; i++) {
            EntryApiTest.createEntry(api, entries, "{\"value\":{\"i\":" + i + ",\"blob\":\"" + blob + "\"}}");
        }
        JsonNode all = api.get(entries).json();
        assertEquals(count, all.size());
        for (int i = 0; i < count; i++) {
            assertEquals(i, all.get(i).path("value").path("i").asInt());
        }
        assertTrue(RequestRecordAssert.dynamoRequests(server, "GET", 2).readUnits() > 256, "more than one DynamoDB page was read"); // the collection is known live: 2 queries
        assertEquals(count, api.get(entries + "?filter=all").json().size());
    }

    private static JsonNode toArray(List<JsonNode> items) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(items);
    }
}
