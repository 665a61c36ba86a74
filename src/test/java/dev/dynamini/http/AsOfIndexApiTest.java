package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * As-of reads with the time index ({@code "asOfIndex": true}, issue 10 part 3): the same answers
 * as without it, at a cost that does not grow with the versions written after the instant; and one
 * write unit more per change.
 */
class AsOfIndexApiTest {
    private static final String KEY_INDEXED = "key-asof-indexed-0123";
    private static final String KEY_SCAN = "key-asof-scan-012345";
    private static final String API_KEYS = "["
            + "{\"application\":\"indexed\",\"key\":\"" + KEY_INDEXED + "\",\"asOfIndex\":true},"
            + "{\"application\":\"scan\",\"key\":\"" + KEY_SCAN + "\"}]";

    private static TestServer server;
    private static Http indexed;
    private static Http scan;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("API_KEYS", API_KEYS));
        indexed = server.http().with("x-api-key", KEY_INDEXED);
        scan = server.http().with("x-api-key", KEY_SCAN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An entry of {@code depth} versions; the instants each version was written. */
    private static List<Instant> deepEntry(Http client, String entries, String name, int depth) {
        List<Instant> times = new ArrayList<>();
        Response created = client.post(entries, "{\"name\":\"" + name + "\",\"value\":1}");
        times.add(Instant.parse(created.json().at("/meta/updatedAt").asText()));
        String one = entries + "/" + created.json().at("/meta/entry").asText();
        for (int v = 2; v <= depth; v++) {
            times.add(Instant.parse(client.put(one, "{\"value\":" + v + "}").json().at("/meta/updatedAt").asText()));
        }
        return times;
    }

    @Test
    void theIndexGivesTheSameVersionsAsReadingHistory() {
        for (Http client : List.of(indexed, scan)) {
            String entries = "/api/user/ada/collection/same/entry";
            List<Instant> times = deepEntry(client, entries, "deep", 20);
            String one = entries + "/" + client.get(entries + "?name=deep").json().get(0).at("/meta/entry").asText();
            for (int v : List.of(1, 2, 10, 19, 20)) {
                Response then = client.get(one + "?asOf=" + at(times.get(v - 1)));
                assertEquals(v, then.json().get(0).at("/value").asInt(), "as of version " + v + "'s instant");
                if (v > 1) {
                    Response justBefore = client.get(one + "?asOf=" + at(times.get(v - 1).minusMillis(1)));
                    assertEquals(v - 1, justBefore.json().get(0).at("/value").asInt());
                }
            }
            assertEquals(404, client.get(one + "?asOf=" + at(times.get(0).minusMillis(1))).status());
        }
    }

    @Test
    void anAsOfReadCostsTheSameHoweverManyVersionsCameAfterTheInstant() {
        String entries = "/api/user/bob/collection/cost/entry";
        List<Instant> times = deepEntry(indexed, entries, "deep", 25);
        String one = entries + "/" + indexed.get(entries + "?name=deep").json().get(0).at("/meta/entry").asText();
        indexed.get(one + "?asOf=" + at(times.get(21)));
        var recent = server.lastRequest().dynamo();
        indexed.get(one + "?asOf=" + at(times.get(2)));
        var old = server.lastRequest().dynamo();
        // the head, the index (one key), the version and the one after it (one request), the collection's head
        assertEquals(4, recent.requests(), recent.toString());
        assertEquals(recent.requests(), old.requests());
        assertEquals(recent.readUnits(), old.readUnits(), 0.001, "22 versions after the instant cost what 3 do");
    }

    @Test
    void anAsOfListingCostsTheSameAtDepthThreeAndFifteen() {
        // the instant is taken after the shallow collection's entries too: both read 4 items changed since
        for (int i = 0; i < 4; i++) {
            deepEntry(indexed, "/api/user/cyd/collection/shallow/entry", "e" + i, 2);
            deepEntry(indexed, "/api/user/cyd/collection/deep/entry", "e" + i, 2);
        }
        // every entry at version 2 then; afterwards 1 more version each in one, 13 more in the other
        Instant then = Instant.parse(indexed.get("/api/user/cyd/collection/deep/entry?name=e3").json().get(0).at("/meta/updatedAt").asText());
        for (JsonNode e : indexed.get("/api/user/cyd/collection/shallow/entry").json()) {
            indexed.put("/api/user/cyd/collection/shallow/entry/" + e.at("/meta/entry").asText(), "{\"value\":3}");
        }
        for (JsonNode e : indexed.get("/api/user/cyd/collection/deep/entry").json()) {
            for (int v = 3; v <= 15; v++) {
                indexed.put("/api/user/cyd/collection/deep/entry/" + e.at("/meta/entry").asText(), "{\"value\":" + v + "}");
            }
        }
        Response shallow = indexed.get("/api/user/cyd/collection/shallow/entry?asOf=" + at(then));
        var shallowCost = server.lastRequest().dynamo();
        Response deep = indexed.get("/api/user/cyd/collection/deep/entry?asOf=" + at(then));
        var deepCost = server.lastRequest().dynamo();
        assertEquals(4, shallow.json().size());
        assertEquals(4, deep.json().size());
        for (JsonNode e : deep.json()) {
            assertTrue(e.at("/meta/version").asInt() <= 2, e.toString());
        }
        assertEquals(shallowCost.requests(), deepCost.requests(), shallowCost + " vs " + deepCost);
        assertEquals(shallowCost.readUnits(), deepCost.readUnits(), 0.001, shallowCost + " vs " + deepCost);
    }

    @Test
    void aChangeCostsOneWriteUnitMore() {
        String entries = "/api/user/dan/collection/w/entry";
        String id = indexed.post(entries, "{\"value\":1}").json().at("/meta/entry").asText();
        indexed.put(entries + "/" + id, "{\"value\":2}");
        assertEquals(3.0, server.lastRequest().dynamo().writeUnits(), 0.001);
        String other = scan.post(entries, "{\"value\":1}").json().at("/meta/entry").asText();
        scan.put(entries + "/" + other, "{\"value\":2}");
        assertEquals(2.0, server.lastRequest().dynamo().writeUnits(), 0.001);
    }

    private static String at(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }
}
