package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change feed (issue 10, part 1): {@code ?since=} on a collection's entries, a user's
 * collections and all of an application's collections, in commit order, paged by tokens that
 * belong to one listing; and what it costs. Concurrency: {@link FeedConcurrencyApiTest}; waiting
 * and streams: {@link LiveFeedApiTest}.
 */
class FeedApiTest {
    static final String KEY_FEED = "key-feed-0123456789";
    static final String KEY_FEED_READ = "key-feed-read-01234";
    static final String KEY_OTHER_FEED = "key-feed-other-01234";
    static final String KEY_PLAIN = "key-plain-0123456789";
    static final String API_KEYS = "["
            + "{\"application\":\"synced\",\"key\":\"" + KEY_FEED + "\",\"feed\":true},"
            + "{\"application\":\"synced\",\"key\":\"" + KEY_FEED_READ + "\",\"feed\":true,\"access\":\"read\"},"
            + "{\"application\":\"synced2\",\"key\":\"" + KEY_OTHER_FEED + "\",\"feed\":true},"
            + "{\"application\":\"plain\",\"key\":\"" + KEY_PLAIN + "\"}]";

    private static TestServer server;
    private static Http feed;
    private static Http other;
    private static Http plain;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("API_KEYS", API_KEYS));
        feed = server.http().with("x-api-key", KEY_FEED);
        other = server.http().with("x-api-key", KEY_OTHER_FEED);
        plain = server.http().with("x-api-key", KEY_PLAIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyChangeOfACollectionsEntriesComesOnceInCommitOrder() {
        String entries = "/api/user/ann/collection/todo/entry";
        Response empty = feed.get(entries + "?since=0");
        assertEquals(200, empty.status(), empty.body());
        assertEquals(0, empty.json().size());
        String token = empty.header("X-Next-Since");
        assertNotNull(token);
        assertEquals("false", empty.header("X-More-Changes"));
        assertTrue(empty.header("Link").contains("since=" + URLEncoder.encode(token, StandardCharsets.UTF_8)), empty.header("Link"));

        String a = feed.post(entries, "{\"name\":\"a\",\"value\":1}").json().at("/meta/entry").asText();
        String b = feed.post(entries, "{\"name\":\"b\",\"value\":2}").json().at("/meta/entry").asText();
        assertEquals(200, feed.put(entries + "/" + a, "{\"value\":3}").status());
        assertEquals(200, feed.delete(entries + "/" + b).status());
        assertEquals(200, feed.post(entries + "/" + b + "/restore", "").status());

        Response changes = feed.get(entries + "?since=" + enc(token));
        assertEquals(200, changes.status(), changes.body());
        assertEquals(List.of(a + "#1", b + "#1", a + "#2", b + "#2", b + "#3"), versions(changes.json()));
        JsonNode deleted = changes.json().get(3);
        assertTrue(deleted.at("/meta/deletedAt").isTextual(), "the delete comes as its version, with deletedAt");
        assertEquals(3, changes.json().get(2).at("/value").asInt());

        Response again = feed.get(entries + "?since=" + enc(changes.header("X-Next-Since")));
        assertEquals(0, again.json().size(), "nothing is repeated");
        // from the start: the same five, and the collection created implicitly is not an entry
        assertEquals(versions(changes.json()), versions(feed.get(entries + "?since=0").json()));
        // another collection's feed does not see them
        assertEquals(0, feed.get("/api/user/ann/collection/other/entry?since=0").json().size());
    }

    @Test
    void aBatchsChangesAndAPatchComeInTheFeedToo() {
        String entries = "/api/user/bat/collection/b/entry";
        String id = feed.post(entries, "{\"name\":\"one\",\"value\":1}").json().at("/meta/entry").asText();
        String token = feed.get(entries + "?since=now").header("X-Next-Since");
        Response batch = feed.post("/api/batch", BatchApiTest.batch(
                BatchApiTest.change("create", "bat", "b", null, "\"body\":{\"name\":\"two\"}"),
                BatchApiTest.change("put", "bat", "b", id, "\"body\":{\"value\":2}")));
        assertEquals(200, batch.status(), batch.body());
        String two = batch.json().at("/results/0/item/meta/entry").asText();
        Response patched = feed.with("Content-Type", "application/merge-patch+json").send("PATCH", entries + "/" + id, "{\"value\":3}");
        assertEquals(200, patched.status(), patched.body());
        List<String> changes = versions(feed.get(entries + "?since=" + enc(token)).json());
        assertEquals(3, changes.size(), changes.toString());
        assertTrue(changes.containsAll(List.of(two + "#1", id + "#2")), changes.toString());
        assertEquals(id + "#3", changes.get(2), "the PATCH, after the batch");
    }

    @Test
    void pagesAreCutByLimitAndResumedByToken() {
        String entries = "/api/user/pat/collection/pages/entry";
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            written.add(feed.post(entries, "{\"value\":" + i + "}").json().at("/meta/entry").asText() + "#1");
        }
        List<String> seen = new ArrayList<>();
        String since = "0";
        int calls = 0;
        while (true) {
            Response page = feed.get(entries + "?limit=3&since=" + enc(since));
            assertEquals(200, page.status(), page.body());
            seen.addAll(versions(page.json()));
            since = page.header("X-Next-Since");
            calls++;
            if (page.header("X-More-Changes").equals("false")) {
                break;
            }
            assertEquals(3, page.json().size());
        }
        assertEquals(written, seen);
        assertEquals(3, calls);
    }

    @Test
    void aUsersCollectionsAndAnApplicationsCollectionsHaveFeedsToo() {
        String start = feed.get("/api/collection?since=now").header("X-Next-Since");
        String userStart = feed.get("/api/user/uma/collection?since=now").header("X-Next-Since");
        List<String> expected = new ArrayList<>();
        for (String user : List.of("uma", "vic", "wes", "uma")) {
            JsonNode created = feed.post("/api/user/" + user + "/collection", "{\"name\":\"c" + expected.size() + "\"}").json();
            expected.add(user + "/" + created.at("/meta/collection").asText() + "#1");
        }
        String renamed = expected.get(0).substring(4, expected.get(0).indexOf('#'));
        assertEquals(200, feed.put("/api/user/uma/collection/" + renamed, "{\"name\":\"renamed\"}").status());
        expected.add("uma/" + renamed + "#2");

        List<String> all = new ArrayList<>();
        for (JsonNode c : feed.get("/api/collection?since=" + enc(start)).json()) {
            all.add(c.at("/meta/user").asText() + "/" + c.at("/meta/collection").asText() + "#" + c.at("/meta/version").asInt());
        }
        assertEquals(expected, all, "the application's feed merges its buckets in commit order");

        List<String> uma = new ArrayList<>();
        for (JsonNode c : feed.get("/api/user/uma/collection?since=" + enc(userStart)).json()) {
            uma.add("uma/" + c.at("/meta/collection").asText() + "#" + c.at("/meta/version").asInt());
        }
        assertEquals(List.of(expected.get(0), expected.get(3), expected.get(4)), uma);
    }

    @Test
    void aTokenBelongsToOneListingOfOneApplication() {
        String token = feed.get("/api/user/ann/collection/todo/entry?since=now").header("X-Next-Since");
        Response elsewhere = feed.get("/api/user/ann/collection/else/entry?since=" + enc(token));
        assertEquals(400, elsewhere.status());
        assertEquals("bad_request", elsewhere.json().at("/error").asText(), elsewhere.body());
        assertEquals(400, feed.get("/api/user/ann/collection?since=" + enc(token)).status());
        Response otherApp = other.get("/api/user/ann/collection/todo/entry?since=" + enc(token));
        assertEquals(400, otherApp.status(), "a token of another application's listing");
        assertEquals(400, feed.get("/api/user/ann/collection/todo/entry?since=garbage").status());
        assertEquals(400, feed.get("/api/user/ann/collection/todo/entry?since=").status());
        assertEquals(400, feed.get("/api/user/ann/collection/todo/entry?since=0&filter=all").status());
        assertEquals(400, feed.get("/api/user/ann/collection/todo/entry?since=0&limit=0").status());
        assertEquals(400, feed.get("/api/user/ann/collection/todo/entry?since=0&wait=31").status());
        assertEquals(400, feed.get("/api/user/ann/collection/todo/entry?since=0&wait=x").status());
        Response notKept = plain.get("/api/user/ann/collection/todo/entry?since=0");
        assertEquals(400, notKept.status());
        assertTrue(notKept.json().at("/message").asText().contains("\"feed\": true"), notKept.body());
        // and the key that reads may read the feed
        assertEquals(200, server.http().with("x-api-key", KEY_FEED_READ).get("/api/collection?since=0").status());
    }

    @Test
    void aFeedReadTouchesOnlyChangedItemsAndAChangeCostsOneIndexWriteMore() {
        String entries = "/api/user/cost/collection/c/entry";
        String id = feed.post(entries, "{\"name\":\"x\",\"value\":1}").json().at("/meta/entry").asText();
        for (int i = 0; i < 30; i++) {
            feed.put(entries + "/" + id, "{\"value\":" + i + "}");
        }
        String token = feed.get(entries + "?since=now").header("X-Next-Since");
        assertEquals(200, feed.put(entries + "/" + id, "{\"value\":99}").status());
        RequestRecord put = server.lastRequest();
        // value update: version, head (2 WCU, issue 14) + the version's entry in byChange
        assertEquals(3.0, put.dynamo().writeUnits(), 0.001, put.toString());
        Response changes = feed.get(entries + "?since=" + enc(token));
        assertEquals(1, changes.json().size());
        RequestRecord read = server.lastRequest();
        // one Query of the index (keys only), one BatchGetItem of the version and its head
        assertEquals(2, read.dynamo().requests(), read.toString());

        String plainEntries = "/api/user/cost/collection/c/entry";
        String plainId = plain.post(plainEntries, "{\"name\":\"x\",\"value\":1}").json().at("/meta/entry").asText();
        plain.put(plainEntries + "/" + plainId, "{\"value\":2}");
        assertEquals(2.0, server.lastRequest().dynamo().writeUnits(), 0.001, "an application without a feed pays nothing for it");
    }

    static List<String> versions(JsonNode changes) {
        List<String> out = new ArrayList<>();
        for (JsonNode change : changes) {
            out.add(change.at("/meta/entry").asText() + "#" + change.at("/meta/version").asInt());
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
