package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.dynamo.RawItems;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.SharedDynamoLocal;
import dev.dynamini.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Retention (issue 11): the API keys give applications rules for how many old versions, or how
 * many days of them, are kept; a change marks the version it pushes out with {@code expiresAt}
 * (DynamoDB's TTL attribute), and reads hide it from that instant. Checked over HTTP and in the
 * tables themselves.
 */
class RetentionApiTest {
    private static final String KEY_LAST3 = "key-retention-last3-0123";
    private static final String KEY_LAST3_READ = "key-retention-last3-read";
    private static final String KEY_DAYS = "key-retention-days30-0123";
    private static final String KEY_BOTH = "key-retention-both-0123";
    private static final String KEY_PLAIN = "key-retention-plain-0123";
    private static final String LAST3 = "{\"versions\": 3, \"collections\": {\"audit\": {\"versions\": 5}, \"forever\": {}}}";
    private static final String API_KEYS = "["
            + "{\"application\":\"last3\",\"key\":\"" + KEY_LAST3 + "\",\"retention\":" + LAST3 + "},"
            + "{\"application\":\"last3\",\"key\":\"" + KEY_LAST3_READ + "\",\"access\":\"read\",\"retention\":" + LAST3 + "},"
            + "{\"application\":\"days30\",\"key\":\"" + KEY_DAYS + "\",\"retention\":{\"days\":30}},"
            + "{\"application\":\"both\",\"key\":\"" + KEY_BOTH + "\",\"retention\":{\"versions\":3,\"days\":30}},"
            + "{\"application\":\"plain\",\"key\":\"" + KEY_PLAIN + "\"}]";
    private static final Duration DAYS_30 = Duration.ofDays(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;
    private static RawItems raw;
    private static String collectionsTable;
    private static String entriesTable;
    private static Http last3;
    private static Http days30;
    private static Http both;
    private static Http plain;

    @BeforeAll
    static void start() {
        String prefix = "retention" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        collectionsTable = prefix + ".collections";
        entriesTable = prefix + ".entries";
        server = TestServer.start(Map.of("API_KEYS", API_KEYS, "TABLE_NAME_COLLECTIONS", collectionsTable, "TABLE_NAME_ENTRIES", entriesTable));
        raw = new RawItems(SharedDynamoLocal.client(), collectionsTable, entriesTable);
        last3 = server.http().with("x-api-key", KEY_LAST3);
        days30 = server.http().with("x-api-key", KEY_DAYS);
        both = server.http().with("x-api-key", KEY_BOTH);
        plain = server.http().with("x-api-key", KEY_PLAIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String entries(String user, String collection) {
        return "/api/user/" + user + "/collection/" + collection + "/entry";
    }

    /** Writes versions 2..{@code last} of the item with PUTs of a value; the answers, by version. */
    private static Map<Long, Instant> putUpTo(Http api, String item, int last) {
        return putFromTo(api, item, 2, last);
    }

    private static Map<Long, Instant> putFromTo(Http api, String item, int first, int last) {
        Map<Long, Instant> written = new TreeMap<>();
        for (int v = first; v <= last; v++) {
            Response r = api.put(item, "{\"value\":{\"v\":" + v + "}}");
            assertEquals(200, r.status(), r.toString());
            assertEquals(v, r.json().path("meta").path("version").asLong());
            written.put((long) v, Instant.parse(r.json().path("meta").path("updatedAt").asText()));
        }
        return written;
    }

    private static List<Long> versions(Response r) {
        assertEquals(200, r.status(), r.toString());
        List<Long> versions = new ArrayList<>();
        for (JsonNode item : r.json()) {
            versions.add(item.path("meta").path("version").asLong());
        }
        return versions;
    }

    /** The expiresAt of the item's version items, by version number (its head never has one: checked). */
    private static Map<Long, Long> expiries(Scope scope, String id) {
        Map<Long, Long> byVersion = new TreeMap<>();
        raw.expiries(scope).forEach((sortKey, at) -> {
            assertTrue(!sortKey.equals(RawItems.headKey(scope.item(id))), "a head never expires: " + sortKey);
            String prefix = "V#" + id + "#";
            if (sortKey.startsWith(prefix)) {
                byVersion.put(Long.parseLong(sortKey.substring(prefix.length())), at);
            }
        });
        return byVersion;
    }

    private static void assertGone(Response r) {
        assertEquals(410, r.status(), r.toString());
        assertEquals("gone", r.json().path("error").asText());
        assertTrue(r.json().path("message").asText().contains("retention"), r.body());
    }

    private static String encode(String cursor) {
        assertNotNull(cursor, "a next page");
        return URLEncoder.encode(cursor, StandardCharsets.UTF_8);
    }

    private static long seconds(Instant instant) {
        return instant.getEpochSecond();
    }

    private static void pause() {
        try {
            Thread.sleep(3); // versions milliseconds apart, for asOf
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record of the first request served after the first {@code before} ones. */
    private static RequestRecord recordAfter(int before) {
        long deadline = System.currentTimeMillis() + 2000;
        while (server.requests().size() <= before && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        return server.requests().get(before);
    }

    // ---- tests ----------------------------------------------------------------------------------

    @Test
    void ttlIsOnForBothTablesOnExpiresAt() {
        for (String table : List.of(collectionsTable, entriesTable)) {
            var ttl = SharedDynamoLocal.client().describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
            assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus(), table);
            assertEquals("expiresAt", ttl.attributeName(), table);
        }
    }

    @Test
    void keepingTheLastNMarksTheVersionThatFallsOutAndReadsHideItAtOnce() {
        String c = CollectionApiTest.create(last3, "ann", "notes");
        String item = entries("ann", c) + "/" + EntryApiTest.createEntry(last3, entries("ann", c), "{\"value\":{\"v\":1}}");
        String e = item.substring(item.lastIndexOf('/') + 1);
        long before = seconds(Instant.now());
        putUpTo(last3, item, 6);
        long after = seconds(Instant.now());

        Map<Long, Long> marked = expiries(Scope.entriesOf("last3", "ann", c), e);
        assertEquals(Set.of(1L, 2L, 3L), marked.keySet(), "versions 4, 5 and 6 are the last 3; each change marked the one it pushed out");
        marked.values().forEach(at -> assertTrue(at >= before && at <= after, "expires when it falls out: " + marked));

        Response all = last3.get(item + "?filter=all");
        assertEquals(List.of(4L, 5L, 6L), versions(all));
        assertEquals("true", all.header("X-History-Trimmed"));
        assertEquals("\"6\"", all.header("ETag"));
        Response history = last3.get(item + "/versions");
        assertEquals(List.of(4L, 5L, 6L), versions(history));
        assertEquals("true", history.header("X-History-Trimmed"));
        Response newestFirst = last3.get(item + "/versions?order=desc");
        assertEquals(List.of(6L, 5L, 4L), versions(newestFirst));
        assertEquals("true", newestFirst.header("X-History-Trimmed"));
        Response page = last3.get(item + "/versions?limit=2");
        assertEquals(List.of(4L, 5L), versions(page), "a page is filled with kept versions");
        assertEquals("true", page.header("X-History-Trimmed"));
        Response next = last3.get(item + "/versions?limit=2&cursor=" + encode(page.header("X-Next-Cursor")));
        assertEquals(List.of(6L), versions(next));
        assertEquals("true", next.header("X-History-Trimmed"));
        assertNull(next.header("X-Next-Cursor"));
        assertEquals(List.of(4L, 5L, 6L), versions(last3.get(entries("ann", c) + "?filter=all")), "lists of every version hide them too");
        Response listPage = last3.get(entries("ann", c) + "?filter=all&limit=2");
        assertEquals(List.of(4L, 5L), versions(listPage), "a page of a list is filled with kept versions");
        Response listNext = last3.get(entries("ann", c) + "?filter=all&limit=2&cursor=" + encode(listPage.header("X-Next-Cursor")));
        assertEquals(List.of(6L), versions(listNext));
        assertNull(listNext.header("X-Next-Cursor"));

        assertGone(last3.get(item + "/versions/1"));
        assertGone(last3.get(item + "/versions/3"));
        assertEquals(410, last3.head(item + "/versions/3").status());
        assertEquals(200, last3.get(item + "/versions/4").status());
        assertEquals(404, last3.get(item + "/versions/7").status(), "a version never written is still 404");
        assertGone(last3.get(item + "/versions/4/diff"));
        assertEquals(200, last3.get(item + "/versions/5/diff").status());

        assertGone(last3.post(item + "/restore", "{\"version\": 2}"));
        assertEquals(List.of(4L, 5L, 6L), versions(last3.get(item + "/versions")), "a refused restore writes nothing");
        Response restored = last3.post(item + "/restore", "{\"version\": 4}");
        assertEquals(200, restored.status(), restored.toString());
        assertEquals(7, restored.json().path("meta").path("version").asLong());
        // DynamoDB Local's TTL may already have deleted versions marked earlier: what is left is marked
        Set<Long> stillMarked = expiries(Scope.entriesOf("last3", "ann", c), e).keySet();
        assertTrue(stillMarked.contains(4L) && Set.of(1L, 2L, 3L, 4L).containsAll(stillMarked), stillMarked.toString());
        assertEquals(List.of(5L, 6L, 7L), versions(last3.get(item + "/versions")));
    }

    @Test
    void aBatchMarksWhatEachOfItsChangesPushesOutAsSingleChangesDo() {
        String c = CollectionApiTest.create(last3, "batcher", "notes");
        Scope scope = Scope.entriesOf("last3", "batcher", c);
        String a = EntryApiTest.createEntry(last3, entries("batcher", c), "{\"value\":{\"v\":1}}");
        String b = EntryApiTest.createEntry(last3, entries("batcher", c), "{\"value\":{\"v\":1}}");
        putUpTo(last3, entries("batcher", c) + "/" + a, 3);
        putUpTo(last3, entries("batcher", c) + "/" + b, 3);
        assertEquals(Set.of(), expiries(scope, a).keySet(), "3 versions: all kept");

        Response r = last3.post("/api/batch", BatchApiTest.batch(
                BatchApiTest.change("put", "batcher", c, a, "\"body\":{\"value\":{\"v\":4}}"),
                BatchApiTest.change("put", "batcher", c, b, "\"body\":{\"value\":{\"v\":4}}"),
                BatchApiTest.change("create", "batcher", c, null, "\"body\":{\"value\":{\"v\":1}}")));
        assertEquals(200, r.status(), r.toString());
        assertEquals(Set.of(1L), expiries(scope, a).keySet(), "version 4 pushed version 1 out");
        assertEquals(Set.of(1L), expiries(scope, b).keySet());
        String created = r.json().path("results").get(2).path("item").path("meta").path("entry").asText();
        assertEquals(Set.of(), expiries(scope, created).keySet(), "a create marks nothing");
        assertEquals(List.of(2L, 3L, 4L), versions(last3.get(entries("batcher", c) + "/" + a + "/versions")));
    }

    @Test
    void aDeletingVersionAndTheHeadNeverExpireAndAsOfSaysWhenItsTimeWasTrimmed() {
        String c = CollectionApiTest.create(last3, "bea", "notes");
        String path = entries("bea", c);
        String other = EntryApiTest.createEntry(last3, path, "{\"name\":\"other\"}");
        pause();
        Response v1 = last3.post(path, "{\"name\":\"t\",\"value\":1}");
        String e = v1.json().path("meta").path("entry").asText();
        String item = path + "/" + e;
        Instant v1At = Instant.parse(v1.json().path("meta").path("updatedAt").asText());
        pause();
        assertEquals(200, last3.delete(item).status()); // version 2, a delete
        pause();
        assertEquals(200, last3.post(item + "/restore", "").status()); // 3
        List<Instant> times = new ArrayList<>();
        for (int v = 4; v <= 6; v++) {
            pause();
            Response r = last3.put(item, "{\"value\":" + v + "}");
            assertEquals(200, r.status(), r.toString());
            times.add(Instant.parse(r.json().path("meta").path("updatedAt").asText()));
        }

        assertEquals(Set.of(1L, 3L), expiries(Scope.entriesOf("last3", "bea", c), e).keySet(),
                "version 2 deleted the entry and is kept; version 4 is not yet out of the last 3");
        Response history = last3.get(item + "/versions");
        assertEquals(List.of(2L, 4L, 5L, 6L), versions(history));
        assertEquals("true", history.header("X-History-Trimmed"));

        Response atFive = last3.get(item + "?asOf=" + times.get(1));
        assertEquals(List.of(5L), versions(atFive), "as of a kept version's time");
        assertEquals("\"5\"", atFive.header("ETag"));
        assertGone(last3.get(item + "?asOf=" + v1At));
        Response list = last3.get(path + "?filter=current&asOf=" + v1At);
        assertEquals(200, list.status(), list.toString());
        List<String> listed = EntryApiTest.ids(list.json());
        assertEquals(List.of(other), listed, "an item whose state then was trimmed is left out of a list as of then");
    }

    @Test
    void daysCountFromWhenAVersionStoppedBeingTheLatest() {
        String c = CollectionApiTest.create(days30, "cid", "notes");
        Response v1 = days30.post(entries("cid", c), "{\"value\":{\"v\":1}}");
        String e = v1.json().path("meta").path("entry").asText();
        String item = entries("cid", c) + "/" + e;
        Map<Long, Instant> written = putUpTo(days30, item, 3);
        Scope scope = Scope.entriesOf("days30", "cid", c);

        assertEquals(Map.of(1L, seconds(written.get(2L).plus(DAYS_30)), 2L, seconds(written.get(3L).plus(DAYS_30))), expiries(scope, e),
                "each version is kept 30 days from when the next one replaced it; the latest is not marked");
        Response history = days30.get(item + "/versions");
        assertEquals(List.of(1L, 2L, 3L), versions(history), "nothing has expired yet");
        assertNull(history.header("X-History-Trimmed"));
        assertNull(days30.get(item + "/versions?order=desc").header("X-History-Trimmed"));

        // 30 days on: the time has come for version 1 (reads must not wait for TTL's deletion)
        raw.setExpiresAt(Kind.ENTRY, scope, RawItems.versionKey(scope.item(e), 1), seconds(Instant.now()) - 1);
        Response later = days30.get(item + "?filter=all");
        assertEquals(List.of(2L, 3L), versions(later));
        assertEquals("true", later.header("X-History-Trimmed"));
        assertGone(days30.get(item + "/versions/1"));
        // and once TTL has deleted it
        raw.delete(Kind.ENTRY, scope, List.of(RawItems.versionKey(scope.item(e), 1)));
        Response deleted = days30.get(item + "/versions?order=desc");
        assertEquals(List.of(3L, 2L), versions(deleted));
        assertEquals("true", deleted.header("X-History-Trimmed"));
        assertGone(days30.get(item + "/versions/1"));
        assertGone(days30.post(item + "/restore", "{\"version\":1}"));
    }

    @Test
    void anOldVersionReplacedNowIsKeptForTheDaysFromNow() {
        // an item written 90 days ago (imported with its times) and changed now
        Instant old = Instant.now().minus(Duration.ofDays(90)).truncatedTo(ChronoUnit.MILLIS);
        String lines = "{\"meta\":{\"user\":\"old\",\"collection\":\"c-old\",\"version\":1,\"createdAt\":\"" + old + "\",\"updatedAt\":\"" + old
                + "\"},\"name\":\"old\"}\n"
                + "{\"meta\":{\"user\":\"old\",\"collection\":\"c-old\",\"entry\":\"e-old\",\"version\":1,\"createdAt\":\"" + old
                + "\",\"updatedAt\":\"" + old + "\"},\"value\":1}\n";
        Response imported = days30.with("Content-Type", "application/x-ndjson").post("/api/import?resume=true", lines);
        assertEquals(200, imported.status(), imported.toString());
        Map<Long, Instant> written = putUpTo(days30, entries("old", "c-old") + "/e-old", 2);
        assertEquals(Map.of(1L, seconds(written.get(2L).plus(DAYS_30))), expiries(Scope.entriesOf("days30", "old", "c-old"), "e-old"));
        assertEquals(List.of(1L, 2L), versions(days30.get(entries("old", "c-old") + "/e-old/versions")));
    }

    @Test
    void withBothRulesAVersionIsKeptWhileEitherKeepsIt() {
        String c = CollectionApiTest.create(both, "dan", "notes");
        Response v1 = both.post(entries("dan", c), "{\"value\":{\"v\":1}}");
        String e = v1.json().path("meta").path("entry").asText();
        String item = entries("dan", c) + "/" + e;
        Map<Long, Instant> written = putUpTo(both, item, 5);
        // version 1 fell out of the last 3 with version 4; it stopped being the latest when version 2 was written
        assertEquals(Map.of(1L, seconds(written.get(2L).plus(DAYS_30)), 2L, seconds(written.get(3L).plus(DAYS_30))),
                expiries(Scope.entriesOf("both", "dan", c), e));
        Response history = both.get(item + "/versions");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), versions(history), "the days rule still keeps versions 1 and 2");
        assertNull(history.header("X-History-Trimmed"));

        // versions replaced more than 30 days ago expire as soon as they fall out of the last 3
        Instant old = Instant.now().minus(Duration.ofDays(90)).truncatedTo(ChronoUnit.MILLIS);
        StringBuilder lines = new StringBuilder("{\"meta\":{\"user\":\"dan\",\"collection\":\"c-old\",\"version\":1,\"createdAt\":\"" + old
                + "\",\"updatedAt\":\"" + old + "\"},\"name\":\"old\"}\n");
        for (int v = 1; v <= 3; v++) {
            lines.append("{\"meta\":{\"user\":\"dan\",\"collection\":\"c-old\",\"entry\":\"e-old\",\"version\":").append(v)
                    .append(",\"createdAt\":\"").append(old).append("\",\"updatedAt\":\"").append(old.plus(Duration.ofDays(10L * (v - 1))))
                    .append("\"},\"value\":").append(v).append("}\n");
        }
        Response imported = both.with("Content-Type", "application/x-ndjson").post("/api/import?resume=true", lines.toString());
        assertEquals(200, imported.status(), imported.toString());
        String oldItem = entries("dan", "c-old") + "/e-old";
        long before = seconds(Instant.now());
        putFromTo(both, oldItem, 4, 5);
        long after = seconds(Instant.now());
        Map<Long, Long> marked = expiries(Scope.entriesOf("both", "dan", "c-old"), "e-old");
        assertEquals(Set.of(1L, 2L), marked.keySet());
        marked.values().forEach(at -> assertTrue(at >= before && at <= after, "replaced 80 and 70 days ago: expire now " + marked));
        Response oldHistory = both.get(oldItem + "/versions");
        assertEquals(List.of(3L, 4L, 5L), versions(oldHistory));
        assertEquals("true", oldHistory.header("X-History-Trimmed"));
    }

    @Test
    void aCollectionsRuleByNameAppliesToEveryUsersCollectionOfThatNameAndNotToTheCollection() {
        for (String user : List.of("eve", "fay")) {
            String audit = CollectionApiTest.create(last3, user, "audit");
            String forever = CollectionApiTest.create(last3, user, "forever");
            String notes = CollectionApiTest.create(last3, user, "notes");
            Map<String, String> entryOf = new TreeMap<>();
            for (String c : List.of(audit, forever, notes)) {
                String e = EntryApiTest.createEntry(last3, entries(user, c), "{\"value\":{\"v\":1}}");
                putUpTo(last3, entries(user, c) + "/" + e, 6);
                entryOf.put(c, e);
            }
            assertEquals(Set.of(1L), expiries(Scope.entriesOf("last3", user, audit), entryOf.get(audit)).keySet(), "audit keeps the last 5");
            assertEquals(Set.of(), expiries(Scope.entriesOf("last3", user, forever), entryOf.get(forever)).keySet(), "forever: {} keeps all");
            assertEquals(Set.of(1L, 2L, 3L), expiries(Scope.entriesOf("last3", user, notes), entryOf.get(notes)).keySet(), "the application's 3");

            // the collection items themselves follow the application's rule, whatever their name
            putUpTo(last3, "/api/user/" + user + "/collection/" + audit, 5);
            assertEquals(Set.of(1L, 2L), expiries(Scope.collectionsOf("last3", user), audit).keySet());
            Response history = last3.get("/api/user/" + user + "/collection/" + audit + "/versions");
            assertEquals(List.of(3L, 4L, 5L), versions(history));
            assertEquals("true", history.header("X-History-Trimmed"));
        }
        // a read-only key of the application (with the same retention, as it must) reads the same trimmed history
        Http reader = server.http().with("x-api-key", KEY_LAST3_READ);
        String audit = reader.get("/api/user/eve/collection?name=audit").json().get(0).path("meta").path("collection").asText();
        Response read = reader.get("/api/user/eve/collection/" + audit + "?filter=all");
        assertEquals(List.of(3L, 4L, 5L), versions(read));
        assertEquals("true", read.header("X-History-Trimmed"));
    }

    @Test
    void withoutRetentionNothingIsMarkedOrReadMoreAndWithItAChangeCostsOneWriteMore() {
        String c = CollectionApiTest.create(plain, "gil", "notes");
        String e = EntryApiTest.createEntry(plain, entries("gil", c), "{\"value\":{\"v\":1}}");
        String item = entries("gil", c) + "/" + e;
        putUpTo(plain, item, 5);
        assertEquals(Map.of(), raw.expiries(Scope.entriesOf("plain", "gil", c)));

        int before = server.requests().size();
        Response history = plain.get(item + "/versions?order=desc");
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), versions(history));
        assertNull(history.header("X-History-Trimmed"));
        assertEquals(2, recordAfter(before).dynamo().requests(), "the head (the edge of history) and one Query, as without retention");
        before = server.requests().size();
        assertEquals(200, plain.put(item, "{\"value\":{\"v\":6}}").status());
        assertEquals(3, recordAfter(before).dynamo().requests(), "GetItem of the head, PutItem of the version and of the head");

        String kept = CollectionApiTest.create(last3, "gil", "notes");
        String keptItem = entries("gil", kept) + "/" + EntryApiTest.createEntry(last3, entries("gil", kept), "{\"value\":{\"v\":1}}");
        putUpTo(last3, keptItem, 3);
        before = server.requests().size();
        assertEquals(200, last3.put(keptItem, "{\"value\":{\"v\":4}}").status());
        assertEquals(4, recordAfter(before).dynamo().requests(),
                "the head, the version, the head, one UpdateItem marking version 1 (the collection's name, for the rules by name, is remembered)");
        String d = CollectionApiTest.create(days30, "gil", "notes");
        String daysItem = entries("gil", d) + "/" + EntryApiTest.createEntry(days30, entries("gil", d), "{\"value\":{\"v\":1}}");
        before = server.requests().size();
        assertEquals(200, days30.put(daysItem, "{\"value\":{\"v\":2}}").status());
        RequestRecord change = recordAfter(before);
        assertEquals(4, change.dynamo().requests(), "the head, the version, the head, one UpdateItem marking version 1");
        assertTrue(change.dynamo().writeUnits() > 0, change.toString());
        System.out.printf("a PUT of an entry under retention (last N, no rules by name): %d DynamoDB requests, %.1f RCU, %.1f WCU%n",
                change.dynamo().requests(), change.dynamo().readUnits(), change.dynamo().writeUnits());
        before = server.requests().size();
        Response trimmed = last3.get(keptItem + "/versions?order=desc");
        assertEquals(List.of(4L, 3L, 2L), versions(trimmed));
        assertEquals("true", trimmed.header("X-History-Trimmed"));
        assertEquals(3, recordAfter(before).dynamo().requests(), "newest first, the head, the Query and one GetItem of version 1");
        before = server.requests().size();
        assertEquals("true", last3.get(keptItem + "/versions").header("X-History-Trimmed"));
        assertEquals(2, recordAfter(before).dynamo().requests(), "oldest first, the head and the Query tell");
    }

    @Test
    void aPageBehindManyExpiredVersionsTakesFewQueries() {
        String c = CollectionApiTest.create(last3, "ivy", "notes");
        String item = entries("ivy", c) + "/" + EntryApiTest.createEntry(last3, entries("ivy", c), "{\"value\":{\"v\":1}}");
        putUpTo(last3, item, 60);
        int before = server.requests().size();
        Response page = last3.get(item + "/versions?limit=2");
        assertEquals(List.of(58L, 59L), versions(page));
        assertEquals("true", page.header("X-History-Trimmed"));
        // the head, then 57 expired versions first: queries of 3, 6, 12, 24, 48 items rather than 20 of 3
        assertEquals(6, recordAfter(before).dynamo().requests());
        before = server.requests().size();
        assertEquals(List.of(58L, 59L, 60L), versions(last3.get(item + "?filter=all")));
        // a whole history: the head (the edge of history, and the ETag), a query of 32 (all expired), a query of 64
        assertEquals(3, recordAfter(before).dynamo().requests());
    }

    @Test
    void anExportLeavesExpiredVersionsOut() throws Exception {
        String c = CollectionApiTest.create(last3, "hal", "notes");
        String e = EntryApiTest.createEntry(last3, entries("hal", c), "{\"value\":{\"v\":1}}");
        putUpTo(last3, entries("hal", c) + "/" + e, 5);
        Response export = last3.get("/api/export");
        assertEquals(200, export.status(), export.toString());
        List<Long> exported = new ArrayList<>();
        for (String line : ExportImportApiTest.lines(export.body())) {
            JsonNode meta = JSON.readTree(line).path("meta");
            if (e.equals(meta.path("entry").asText())) {
                exported.add(meta.path("version").asLong());
            }
        }
        assertEquals(List.of(3L, 4L, 5L), exported);
        assertNotNull(export.header("X-Request-Id"));
    }
}
