package dev.dynamini.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static dev.dynamini.testing.InterceptedDynamoDb.intercepted;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.dynamo.StartupException;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.InterceptedDynamoDb.Interceptor;
import dev.dynamini.testing.OldDynamodbMini;
import dev.dynamini.testing.SharedDynamoLocal;
import dev.dynamini.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The import from dynamodb-mini, end to end on DynamoDB Local: tables written exactly as
 * dynamodb-mini wrote them, the command run in this JVM, and the result read through dynamini's
 * HTTP API.
 */
class ImportDynamodbMiniTest {
    private static final String KEY_C = "key-c-0123456789";
    private static final String API_KEYS = TestServer.API_KEYS.substring(0, TestServer.API_KEYS.length() - 1)
            + ",{\"application\":\"app-c\",\"key\":\"" + KEY_C + "\"}]";
    private static final AtomicInteger OLD_TABLES = new AtomicInteger();
    /** Marks values and users that must never appear in a report. */
    private static final String SECRET = "never-in-the-report";
    private static final int BIG_ENTRIES = 300;

    private static final DynamoDbClient CLIENT = SharedDynamoLocal.client();
    /** dynamodb-mini's tables with the story below; the tests only read them, except where noted. */
    private static Map<String, String> oldTables;
    private static Story story;

    /** What the old tables hold, and the ids to look for. */
    record Story(String food, String temp, String bobPosts, String groceriesB, String notesC, String dupe1, String dupe2,
                 String badUser, String daveA, String daveB, String big,
                 String list, String twin1, String twin2, String keptInTemp, String broken, String orphan, String ambiguous,
                 String inBadUser, String stampless, Map<String, String> typed, long firstListMillis) {
    }

    @BeforeAll
    static void writeOldData() {
        oldTables = freshOldTables();
        story = writeStory(new OldDynamodbMini(CLIENT, oldTables.get("OLD_TABLE_NAME_COLLECTIONS"),
                oldTables.get("OLD_TABLE_NAME_ENTRIES")).createTables());
    }

    static Map<String, String> freshOldTables() {
        String prefix = "old" + ProcessHandle.current().pid() + "-" + OLD_TABLES.incrementAndGet();
        return Map.of("OLD_TABLE_NAME_COLLECTIONS", prefix + ".collections", "OLD_TABLE_NAME_ENTRIES", prefix + ".entries");
    }

    /** Several applications, renames, deletes in place, revivals, every JSON type, bad data, and > 1 MB of entries. */
    static Story writeStory(OldDynamodbMini old) {
        String food = old.createCollection("app-a", "ann", "groceries");
        old.updateCollection("app-a", "ann", food, "food");
        String temp = old.createCollection("app-a", "ann", "temp");
        String bobPosts = old.createCollection("app-a", "bob", "posts");
        String groceriesB = old.createCollection("app-b", "ann", "groceries");
        String notesC = old.createCollection("app-c", "carl", "notes");
        // of two live items with one name, the one with the lower id keeps it (scans read in key order)
        String dupeA = old.createCollection("app-a", "ann", "dupe");
        String dupeB = old.createCollection("app-a", "ann", "dupe");
        String dupe1 = dupeA.compareTo(dupeB) < 0 ? dupeA : dupeB;
        String dupe2 = dupe1.equals(dupeA) ? dupeB : dupeA;
        String badUser = old.createCollection("app-a", "bad$" + SECRET, "x");
        String dave = "dave-shared-collection";
        old.updateCollection("app-a", "dave", dave, "d");
        old.updateCollection("app-b", "dave", dave, "d");
        String big = old.createCollection("app-b", "bulk", "bulk");

        long firstListMillis = old.now();
        String list = old.createEntry("ann", food, "list", "{\"items\":[\"milk\"],\"n\":1.10}");
        old.updateEntry("ann", food, list, "list", "{\"items\":[\"milk\",\"eggs\"],\"n\":1.10}");
        old.updateEntry("ann", food, list, "shopping", "{\"items\":[],\"n\":2}");
        old.deleteEntry("ann", food, list);
        old.updateEntry("ann", food, list, "shopping", "{\"items\":[\"bread\"]}"); // dynamodb-mini let a PUT revive it
        String twinA = old.createEntry("ann", food, "twin", "{\"t\":1}");
        String twinB = old.createEntry("ann", food, "twin", "{\"t\":2}");
        String twin1 = twinA.compareTo(twinB) < 0 ? twinA : twinB;
        String twin2 = twin1.equals(twinA) ? twinB : twinA;
        Map<String, String> typed = new HashMap<>();
        for (String json : List.of("\"h\u00e9llo \u2603 " + "\\u00e9\"", "12345678901234567890.10", "-0.5e-7", "true", "false",
                "[1,\"two\",{\"three\":null}]", "{\"z\":1,\"a\":{\"y\":[],\"b\":{}}}")) {
            typed.put(json, old.createEntry("ann", food, null, json));
        }
        String keptInTemp = old.createEntry("ann", temp, "kept", "{\"k\":1}");
        old.deleteCollection("app-a", "ann", temp);
        old.createEntry("ann", food, "name only", null);
        old.createEntry("ann", groceriesB, "b-entry", "{\"b\":1}");
        old.createEntry("carl", notesC, "c-entry", "[\"c\"]");
        old.deleteCollection("app-a", "bob", bobPosts);
        String broken = old.createEntry("ann", food, "broken", "{\"" + SECRET + "\": ");
        String orphan = old.createEntry("ann", "no-such-collection", "orphan", "{}");
        String ambiguous = old.createEntry("dave", dave, "which", "{}");
        String inBadUser = old.createEntry("bad$" + SECRET, badUser, "lost", "{}");
        old.putRaw(true, Map.of("application", OldDynamodbMini.s("app-a"),
                "userCollectionVersion", OldDynamodbMini.s("ann#stampless#yesterday"), "name", OldDynamodbMini.s("s")));
        String filler = "x".repeat(5000);
        for (int i = 0; i < BIG_ENTRIES; i++) {
            old.createEntry("bulk", big, "e" + i, "{\"i\":" + i + ",\"fill\":\"" + filler + "\"}");
        }
        return new Story(food, temp, bobPosts, groceriesB, notesC, dupe1, dupe2, badUser, dave, dave, big,
                list, twin1, twin2, keptInTemp, broken, orphan, ambiguous, inBadUser, "stampless", typed, firstListMillis);
    }

    // ---- running the command --------------------------------------------------------------------

    record Run(int status, String output) {
    }

    static Map<String, String> env(Map<String, String> old) {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.putAll(old);
        env.put("API_KEYS", API_KEYS);
        return env;
    }

    static Run run(Map<String, String> env, DynamoDbClient client, int pageItems, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = new ImportCommand(out, config -> DynamoConnection.borrowed(client, "shared test DynamoDB Local"),
                new ImportCommand.Tuning(pageItems, Duration.ofMillis(5)))
                .run(List.of(args), Config.from(env), env);
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    static Run run(Map<String, String> env, String... args) {
        return run(env, CLIENT, 0, args);
    }

    static TestServer serve(Map<String, String> env) {
        Map<String, String> server = new HashMap<>(env);
        server.keySet().removeIf(k -> k.startsWith("OLD_"));
        return TestServer.start(server);
    }

    // ---- the import, read through the API --------------------------------------------------------

    @Test
    void copiesEveryVersionOfEveryItemAndTheServerServesThem() {
        Map<String, String> env = env(oldTables);
        AtomicInteger morePages = new AtomicInteger();
        DynamoDbClient counting = intercepted(CLIENT, new Interceptor() {
            @Override
            public void before(String method) {
            }

            @Override
            public void after(String method, Object answer) {
                if (answer instanceof ScanResponse page && page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                    morePages.incrementAndGet();
                }
            }
        });
        Run run = run(env, counting, 0);
        assertEquals(0, run.status(), run.output());
        assertTrue(morePages.get() >= 1, "the entries (over 1 MB) took more than one scan page");
        String out = run.output();
        assertTrue(out.contains("reads  dynamodb-mini's tables " + oldTables.get("OLD_TABLE_NAME_COLLECTIONS")), out);
        assertTrue(out.contains("writes dynamini's tables " + env.get("TABLE_NAME_COLLECTIONS")), out);
        assertReportsTheSkippedAndRenamed(out);

        try (TestServer server = serve(env)) {
            Http a = server.appA();
            // collections: ids kept, renames as versions, the delete in place as a delete version
            JsonNode live = a.get("/api/user/ann/collection").json();
            assertEquals(Set.of(story.food(), story.dupe1(), story.dupe2()), ids(live, "collection"), live.toString());
            JsonNode food = a.get("/api/user/ann/collection/" + story.food() + "?filter=all").json();
            assertEquals(2, food.size());
            assertEquals("groceries", food.get(0).path("name").asText());
            assertEquals("food", food.get(1).path("name").asText());
            assertEquals(2, food.get(1).path("meta").path("version").asInt());
            assertEquals(food.get(0).path("meta").path("createdAt"), food.get(1).path("meta").path("createdAt"));
            assertEquals(food.get(0).path("meta").path("createdAt"), food.get(0).path("meta").path("updatedAt"));

            JsonNode temp = a.get("/api/user/ann/collection/" + story.temp() + "/versions").json();
            assertEquals(2, temp.size(), temp.toString());
            assertTrue(temp.get(0).path("meta").path("deletedAt").isMissingNode());
            assertEquals("temp", temp.get(1).path("name").asText(), "a delete keeps the content it deleted");
            assertEquals(temp.get(1).path("meta").path("updatedAt"), temp.get(1).path("meta").path("deletedAt"));
            assertEquals(404, a.get("/api/user/ann/collection/" + story.temp()).status());
            assertEquals(4, a.get("/api/user/ann/collection?filter=current").json().size(), "the deleted one too");

            // name clash: the first keeps the name, the second carries its id
            assertEquals("dupe", a.get("/api/user/ann/collection/" + story.dupe1()).json().get(0).path("name").asText());
            assertEquals("dupe (" + story.dupe2() + ")",
                    a.get("/api/user/ann/collection/" + story.dupe2()).json().get(0).path("name").asText());
            assertEquals(story.dupe1(), a.get("/api/user/ann/collection?name=dupe").json().get(0).path("meta").path("collection").asText());

            // entries: five versions out of four stored ones (one of them deleted in place), then revived
            String entries = "/api/user/ann/collection/" + story.food() + "/entry";
            JsonNode list = a.get(entries + "/" + story.list() + "?filter=all").json();
            assertEquals(5, list.size(), list.toString());
            assertEquals(List.of("list", "list", "shopping", "shopping", "shopping"), names(list));
            assertTrue(list.get(3).path("meta").has("deletedAt"));
            assertFalse(list.get(4).path("meta").has("deletedAt"));
            assertEquals(OldDynamodbMini.iso(story.firstListMillis()), list.get(0).path("meta").path("createdAt").asText());
            assertEquals(OldDynamodbMini.iso(story.firstListMillis()), list.get(4).path("meta").path("createdAt").asText());
            assertEquals(OldDynamodbMini.iso(story.firstListMillis() + 1000), list.get(1).path("meta").path("updatedAt").asText());
            assertEquals(OldDynamodbMini.iso(story.firstListMillis() + 3000), list.get(3).path("meta").path("deletedAt").asText());
            assertTrue(a.get(entries + "/" + story.list() + "/versions/2").body().contains("\"value\":{\"items\":[\"milk\",\"eggs\"],\"n\":1.10}"));
            assertEquals(story.list(), a.get(entries + "/" + story.list()).json().get(0).path("meta").path("entry").asText());

            assertEquals("twin", a.get(entries + "/" + story.twin1()).json().get(0).path("name").asText());
            assertEquals("twin (" + story.twin2() + ")", a.get(entries + "/" + story.twin2()).json().get(0).path("name").asText());

            // values of every JSON type, as they were written
            story.typed().forEach((json, id) -> {
                String body = a.get(entries + "/" + id).body();
                assertTrue(body.contains("\"value\":" + json.replace("\\u00e9", "\u00e9")) || body.contains("\"value\":" + json), body);
            });
            assertTrue(a.get(entries + "/" + story.typed().get("{\"z\":1,\"a\":{\"y\":[],\"b\":{}}}")).body()
                    .contains("\"value\":{\"z\":1,\"a\":{\"y\":[],\"b\":{}}}"), "key order kept");

            JsonNode latest = a.get(entries).json();
            assertEquals(4 + story.typed().size(), latest.size(), "list, twins, typed values, name only: " + latest);
            // the entries of a deleted collection keep their history, hidden from latest as dynamini does
            String inTemp = "/api/user/ann/collection/" + story.temp() + "/entry";
            assertEquals(0, a.get(inTemp).json().size());
            assertEquals(story.keptInTemp(), a.get(inTemp + "?filter=current").json().get(0).path("meta").path("entry").asText());

            // applications stay apart; every application's collections listing
            assertEquals(Set.of(story.groceriesB(), story.daveB(), story.big()), ids(server.appB().get("/api/collection").json(), "collection"));
            assertEquals(1, server.appB().get("/api/user/ann/collection/" + story.groceriesB() + "/entry").json().size());
            Http c = server.http().with("x-api-key", KEY_C);
            assertEquals(1, c.get("/api/user/carl/collection/" + story.notesC() + "/entry").json().size());
            assertEquals(0, a.get("/api/user/ann/collection/" + story.groceriesB() + "/entry").json().size());

            // more than a megabyte of entries, every one there
            JsonNode bulk = server.appB().get("/api/user/bulk/collection/" + story.big() + "/entry").json();
            assertEquals(BIG_ENTRIES, bulk.size());
            assertEquals(5000, bulk.get(BIG_ENTRIES - 1).path("value").path("fill").asText().length());

            // skipped: nothing of them is there
            assertEquals(404, a.get(entries + "/" + story.broken()).status());
            assertEquals(0, a.get("/api/user/dave/collection/" + story.daveA() + "/entry?filter=all").json().size());

            // and the server goes on from there
            assertEquals(6, a.put(entries + "/" + story.list(), "{\"value\":{\"after\":true}}").json().path("meta").path("version").asInt());
            assertEquals(200, a.post("/api/user/ann/collection", "{\"name\":\"food\"}").status(), "the imported name is registered");
            assertEquals(409, a.post(entries, "{\"name\":\"twin\",\"value\":{\"other\":1}}").status());
        }
    }

    private static void assertReportsTheSkippedAndRenamed(String out) {
        assertTrue(out.contains("skipped collection " + story.badUser() + " of application app-a: its user id is not valid in dynamini"), out);
        assertTrue(out.contains("skipped entry " + story.inBadUser() + " in collection " + story.badUser()
                + " of application app-a: its collection is not imported: its user id is not valid"), out);
        assertTrue(out.contains("skipped entry " + story.broken() + " in collection " + story.food()
                + " of application app-a: a value is not valid JSON"), out);
        assertTrue(out.contains("skipped entry " + story.orphan() + " in collection no-such-collection of application (unknown): "
                + "its collection is in no application's collections"), out);
        assertTrue(out.contains("skipped entry " + story.ambiguous() + " in collection " + story.daveA()
                + " of application (unknown): its collection is found under 2 applications (app-a, app-b)"), out);
        assertTrue(out.contains("skipped collection stampless of application app-a: a version's key does not end in epoch milliseconds"), out);
        assertTrue(out.contains("renamed collection " + story.dupe2() + " of application app-a: its name is held by live collection "
                + story.dupe1()), out);
        assertTrue(out.contains("renamed entry " + story.twin2() + " in collection " + story.food()), out);
        assertTrue(out.contains("application app-a: collections 6 copied (9 versions), 0 already there, 2 skipped;"
                + " entries " + (5 + story.typed().size()) + " copied (" + (9 + story.typed().size()) + " versions), 0 already there, 2 skipped"), out);
        assertTrue(out.contains("application app-b: collections 3 copied (3 versions), 0 already there, 0 skipped;"
                + " entries " + (BIG_ENTRIES + 1) + " copied (" + (BIG_ENTRIES + 1) + " versions)"), out);
        assertTrue(out.contains("application (no application): entries 0 copied (0 versions), 0 already there, 2 skipped"), out);
        assertTrue(out.matches("(?s).*total: \\d+ items copied \\(\\d+ versions\\), 6 skipped, in [0-9.]+ s \\(\\d+ items/s, \\d+ versions/s\\).*"), out);
        assertFalse(out.contains(SECRET), "no user ids or values in the report: " + out);
        assertFalse(out.contains("ann") || out.contains("milk"), out);
    }

    private static Set<String> ids(JsonNode items, String field) {
        Set<String> ids = new HashSet<>();
        items.forEach(item -> ids.add(item.path("meta").path(field).asText()));
        return ids;
    }

    private static List<String> names(JsonNode items) {
        List<String> names = new ArrayList<>();
        items.forEach(item -> names.add(item.path("name").asText()));
        return names;
    }

    @Test
    void dataAtTheEdgesIsImportedOrSkippedWithAReason() {
        Map<String, String> old = freshOldTables();
        OldDynamodbMini mini = new OldDynamodbMini(CLIENT, old.get("OLD_TABLE_NAME_COLLECTIONS"), old.get("OLD_TABLE_NAME_ENTRIES")).createTables();
        String c = mini.createCollection("app-a", "u", "c");
        String nullValue = mini.createEntry("u", c, "nulled", "null");
        String nothing = mini.createEntry("u", c, null, "null");
        String emptyName = mini.createEntry("u", c, null, "{\"v\":1}");
        String longName = mini.createEntry("u", c, "n".repeat(1001), "{}");
        String trailing = mini.createEntry("u", c, "t", "{} {}");
        String duplicateKeys = mini.createEntry("u", c, "d", "{\"a\":1,\"a\":2}");
        String badTime = "bad-time";
        mini.putRaw(false, Map.of("userCollection", OldDynamodbMini.s("u#" + c + "#"), "entryVersion", OldDynamodbMini.s(badTime + "#1600000000000"),
                "name", OldDynamodbMini.s("x"), "deletedAt", OldDynamodbMini.s("yesterday")));
        String numberName = "number-name";
        mini.putRaw(false, Map.of("userCollection", OldDynamodbMini.s("u#" + c + "#"), "entryVersion", OldDynamodbMini.s(numberName + "#1600000000000"),
                "name", AttributeValue.fromN("7")));
        String unnamed = "unnamed-collection";
        mini.putRaw(true, Map.of("application", OldDynamodbMini.s("app-a"), "userCollectionVersion", OldDynamodbMini.s("u#" + unnamed + "#1600000000000"),
                "name", OldDynamodbMini.s("")));

        Map<String, String> env = env(old);
        Run run = run(env);
        assertEquals(0, run.status(), run.output());
        String out = run.output();
        String in = " in collection " + c + " of application app-a: ";
        assertTrue(out.contains("skipped entry " + nothing + in + "an entry needs a \"name\" or a \"value\""), out);
        assertTrue(out.contains("skipped entry " + longName + in + "\"name\" must be at most 1000 bytes of UTF-8"), out);
        assertTrue(out.contains("skipped entry " + trailing + in + "a value is not valid JSON (content after the value)"), out);
        assertTrue(out.contains("skipped entry " + duplicateKeys + in + "a value is not valid JSON"), out);
        assertTrue(out.contains("skipped entry " + badTime + in + "a version's deletedAt is not an ISO-8601 time"), out);
        assertTrue(out.contains("skipped entry " + numberName + in + "a version's \"name\" is not a string"), out);
        assertTrue(out.contains("skipped collection " + unnamed + " of application app-a: a collection needs a \"name\""), out);
        assertTrue(out.contains("entries 2 copied (2 versions), 0 already there, 6 skipped"), out);
        try (TestServer server = serve(env)) {
            String entries = "/api/user/u/collection/" + c + "/entry/";
            JsonNode nulled = server.appA().get(entries + nullValue).json().get(0);
            assertEquals("nulled", nulled.path("name").asText());
            assertFalse(nulled.has("value"), "a JSON null is no value");
            JsonNode unnamedEntry = server.appA().get(entries + emptyName).json().get(0);
            assertFalse(unnamedEntry.has("name"), "an empty name is no name");
            assertEquals(1, unnamedEntry.path("value").path("v").asInt());
        }
    }

    // ---- resuming ---------------------------------------------------------------------------------

    @Test
    void aRunCutOffMidwayIsFinishedByTheNextAndNothingIsDuplicated() {
        Map<String, String> clean = env(oldTables);
        clean.put("IMPORT_THREADS", "1");
        assertEquals(0, run(clean).status());

        Map<String, String> env = env(oldTables);
        Run crashed = run(env, failingAfter(CLIENT, 600), 7);
        assertEquals(1, crashed.status(), crashed.output());
        assertTrue(crashed.output().contains("run the same command again to finish"), crashed.output());
        Set<Map<String, AttributeValue>> partial = dump(env);
        Run left = run(env, "--dry-run");
        assertEquals(0, left.status(), left.output());
        assertEquals(partial, dump(env), "a dry run writes nothing");
        assertTrue(left.output().matches("(?s).*an import would copy \\d+ items.*"), left.output());
        assertTrue(left.output().contains("already there"), left.output());

        Run finished = run(env, CLIENT, 7);
        assertEquals(0, finished.status(), finished.output());
        assertEquals(dump(clean), dump(env), "a crashed and resumed import on 4 threads ends where a clean one on 1 does");

        Run again = run(env);
        assertEquals(0, again.status(), again.output());
        assertTrue(again.output().contains("total: 0 items copied (0 versions)"), again.output());
        assertEquals(dump(clean), dump(env), "a rerun writes nothing");
        assertEquals(0, run(env, "--check").status());
    }

    @Test
    void aRerunCopiesWhatDynamodbMiniWroteSinceTheLastRun() {
        Map<String, String> old = freshOldTables();
        OldDynamodbMini mini = new OldDynamodbMini(CLIENT, old.get("OLD_TABLE_NAME_COLLECTIONS"), old.get("OLD_TABLE_NAME_ENTRIES")).createTables();
        String c = mini.createCollection("app-a", "u", "c");
        String e = mini.createEntry("u", c, "e", "{\"v\":1}");
        Map<String, String> env = env(old);
        assertEquals(0, run(env).status());

        mini.updateEntry("u", c, e, "e", "{\"v\":2}");
        mini.deleteEntry("u", c, e);
        mini.createEntry("u", c, "new", "[]");
        Run second = run(env);
        assertEquals(0, second.status(), second.output());
        assertTrue(second.output().contains("application app-a: collections 0 copied (0 versions), 1 already there, 0 skipped;"
                + " entries 2 copied (3 versions), 0 already there, 0 skipped"), second.output());
        try (TestServer server = serve(env)) {
            JsonNode versions = server.appA().get("/api/user/u/collection/" + c + "/entry/" + e + "/versions").json();
            assertEquals(3, versions.size());
            assertTrue(versions.get(2).path("meta").has("deletedAt"));
        }

        mini.updateCollection("app-a", "u", c, "renamed");
        Run third = run(env);
        assertEquals(0, third.status());
        assertTrue(third.output().contains("collections 1 copied (1 versions)"), third.output());
    }

    @Test
    void throttlingIsWaitedOut() {
        Map<String, String> old = freshOldTables();
        OldDynamodbMini mini = new OldDynamodbMini(CLIENT, old.get("OLD_TABLE_NAME_COLLECTIONS"), old.get("OLD_TABLE_NAME_ENTRIES")).createTables();
        String c = mini.createCollection("app-a", "u", "c");
        for (int i = 0; i < 5; i++) {
            mini.createEntry("u", c, "e" + i, "{}");
        }
        AtomicInteger transactions = new AtomicInteger();
        DynamoDbClient throttling = intercepted(CLIENT, method -> {
            int n = WRITES.contains(method) ? transactions.incrementAndGet() : 0;
            if (n >= 3 && n <= 3 + Patience.ATTEMPTS - 2) {
                throw ProvisionedThroughputExceededException.builder().message("slow down").statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build()).build();
            }
        });
        Map<String, String> env = env(old);
        Run run = run(env, throttling, 0);
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("DynamoDB is throttling; pausing"), run.output());
        // a write cut short by throttling may have landed its version, which the next attempt then
        // finds there (rolled forward): every item is imported, some perhaps counted as already there
        assertTrue(run.output().matches("(?s).*application app-a: collections [01] copied \\([01] versions\\), [01] already there, 0 skipped;"
                + " entries [0-5] copied \\([0-5] versions\\), [0-5] already there, 0 skipped.*"), run.output());
        assertTrue(run.output().contains(", 0 skipped, in"), run.output());
        assertEquals(0, run(env, "--check").status());
    }

    // ---- dry run and check ------------------------------------------------------------------------

    @Test
    void aDryRunReportsWhatAnImportWouldDoAndWritesNothing() {
        Map<String, String> env = env(oldTables);
        Run dry = run(env, "--dry-run");
        assertEquals(0, dry.status(), dry.output());
        assertTrue(dry.output().contains("dynamini's tables do not exist yet; an import creates them"), dry.output());
        assertTrue(dry.output().contains("would skip entry " + story.broken()), dry.output());
        assertTrue(dry.output().contains("application app-b: collections 3 to copy (3 versions), 0 already there, 0 to skip;"), dry.output());
        assertTrue(dry.output().contains("nothing was written"), dry.output());
        assertThrows(ResourceNotFoundException.class, () -> CLIENT.describeTable(r -> r.tableName(env.get("TABLE_NAME_COLLECTIONS"))));
        assertThrows(ResourceNotFoundException.class, () -> CLIENT.describeTable(r -> r.tableName(env.get("TABLE_NAME_ENTRIES"))));
    }

    @Test
    void theCheckPassesAfterTheImportAndFailsOnceDynaminiChanges() {
        Map<String, String> env = env(oldTables);
        Run before = run(env, "--check");
        assertEquals(1, before.status(), "nothing imported yet: " + before.output());
        assertEquals(0, run(env).status());
        Run after = run(env, "--check");
        assertEquals(0, after.status(), after.output());
        assertTrue(after.output().contains("total: dynamini matches dynamodb-mini"), after.output());

        try (TestServer server = serve(env)) {
            String entries = "/api/user/ann/collection/" + story.food() + "/entry";
            assertEquals(200, server.appA().put(entries + "/" + story.twin1(), "{\"value\":{\"t\":3}}").status());
            assertEquals(201, server.appA().post(entries, "{\"name\":\"made in dynamini\"}").status());
        }
        Run changed = run(env, "--check");
        assertEquals(1, changed.status(), changed.output());
        assertTrue(changed.output().contains("differs entry " + story.twin1() + " in collection " + story.food()
                + " of application app-a: dynamini holds 2 versions of it, dynamodb-mini's history makes 1"), changed.output());
        assertTrue(changed.output().contains("differs: application app-a has " + (5 + story.typed().size() + 1) + " entries"), changed.output());

        // an import leaves the changed item alone and says so
        Run rerun = run(env);
        assertTrue(rerun.output().contains("skipped entry " + story.twin1()) && rerun.output().contains("left as it is"), rerun.output());
    }

    // ---- settings and the server's start-up -------------------------------------------------------

    @Test
    void theOldTablesMustBeNamedAndMustNotBeDynaminisOwn() {
        Map<String, String> env = env(Map.of());
        Run missing = run(env);
        assertEquals(2, missing.status());
        assertTrue(missing.output().contains("OLD_TABLE_NAME_COLLECTIONS: must name dynamodb-mini's collections table"), missing.output());

        Map<String, String> defaults = new HashMap<>(Map.of("OLD_TABLE_NAME_COLLECTIONS", "dynamomini.collections",
                "OLD_TABLE_NAME_ENTRIES", "dynamomini.entries"));
        Run same = run(defaults);
        assertEquals(2, same.status());
        assertTrue(same.output().contains("OLD_TABLE_NAME_COLLECTIONS: is dynamomini.collections, which is also dynamini's"
                + " TABLE_NAME_COLLECTIONS (its default)"), same.output());

        Map<String, String> absent = env(Map.of("OLD_TABLE_NAME_COLLECTIONS", "no-such.c", "OLD_TABLE_NAME_ENTRIES", "no-such.e"));
        Run none = run(absent);
        assertEquals(1, none.status());
        assertTrue(none.output().contains("OLD_TABLE_NAME_COLLECTIONS: there is no table no-such.c to import from"), none.output());

        Run usage = run(env(oldTables), "--sideways");
        assertEquals(2, usage.status());
        assertTrue(usage.output().contains(ImportCommand.USAGE));
    }

    @Test
    void theServerOnDynamodbMinisTablesSaysToRunTheImport() {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.put("TABLE_NAME_COLLECTIONS", oldTables.get("OLD_TABLE_NAME_COLLECTIONS"));
        env.put("TABLE_NAME_ENTRIES", oldTables.get("OLD_TABLE_NAME_ENTRIES"));
        StartupException e = assertThrows(StartupException.class, () -> TestServer.start(env).close());
        assertTrue(e.getMessage().contains("dynamodb-mini's key schema") && e.getMessage().contains("import-dynamodb-mini")
                && e.getMessage().contains("OLD_TABLE_NAME_COLLECTIONS") && e.getMessage().contains("docs/migration.md"), e.getMessage());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Every item of dynamini's two tables (keys and attributes), to compare two imports. */
    static Set<Map<String, AttributeValue>> dump(Map<String, String> env) {
        Set<Map<String, AttributeValue>> items = new HashSet<>();
        for (String table : List.of(env.get("TABLE_NAME_COLLECTIONS"), env.get("TABLE_NAME_ENTRIES"))) {
            String kind = table.endsWith("collections") ? "c" : "e";
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table);
            while (true) {
                ScanResponse page = CLIENT.scan(scan.build());
                page.items().forEach(item -> {
                    Map<String, AttributeValue> copy = new HashMap<>(item);
                    copy.put("table", AttributeValue.fromS(kind));
                    // the commit protocol's bookkeeping: which attempt wrote, when it claimed
                    copy.keySet().removeAll(List.of("writer", "claimToken", "claimedAt"));
                    items.add(copy);
                });
                if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                    break;
                }
                scan.exclusiveStartKey(page.lastEvaluatedKey());
            }
        }
        return items;
    }

    /** The client's calls that write (a version is written as several, docs/storage.md). */
    static final Set<String> WRITES = Set.of("putItem", "updateItem", "deleteItem", "transactWriteItems", "batchWriteItem");

    /** The client, except that its {@code n+1}th write fails as if the process had died there. */
    static DynamoDbClient failingAfter(DynamoDbClient client, int writes) {
        AtomicInteger count = new AtomicInteger();
        return intercepted(client, method -> {
            if (WRITES.contains(method) && count.incrementAndGet() > writes) {
                throw SdkClientException.create("simulated crash");
            }
        });
    }
}
