package dev.dynamini.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.dynamo.CommitProtocol.Step;
import dev.dynamini.store.ContentPatch;
import dev.dynamini.store.Cursors;
import dev.dynamini.store.Existence;
import dev.dynamini.store.IdGenerator;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.LiveCollections;
import dev.dynamini.store.NameTakenException;
import dev.dynamini.store.Scope;
import dev.dynamini.store.VersionedItems;
import dev.dynamini.store.WritesInFlight;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.SharedDynamoLocal;
import dev.dynamini.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every crash window of the commit protocol (docs/storage.md): a writer of its own is stopped after
 * each step, as a crash would stop it (or held there, as a stalled process would), on the tables of
 * a real server; then readers and writers go through that server over HTTP and must see either the
 * whole change or nothing of it, and lose nothing acknowledged.
 */
class CommitProtocolCrashTest {
    private static final String APP = "app-a";
    private static TestServer server;
    private static Http api;
    private static Map<String, String> env;

    /** What a crash looks like from inside: the writer stops where it is, nothing more is written. */
    static final class Crash extends RuntimeException {
        Crash(Step step) {
            super("crashed after " + step, null, false, false);
        }
    }

    /** A writer of its own on the server's tables, stopped (or held) once after {@code step}. */
    private static final class Writer {
        final VersionedItems items;
        volatile Step crashAfter;
        volatile CountDownLatch holdAfter;
        volatile Step holdStep;
        final CountDownLatch held = new CountDownLatch(1);

        Writer() {
            TableNames names = new TableNames(env.get("TABLE_NAME_COLLECTIONS"), env.get("TABLE_NAME_ENTRIES"));
            MeteredDynamoDb dynamo = new MeteredDynamoDb(SharedDynamoLocal.client(), DynamoObserver.NONE);
            DynamoItemRepository repository = new DynamoItemRepository(dynamo, names, true, CommitBarrier.NONE,
                    Clock.systemUTC(), DynamoItemRepository.CLAIM_GRACE, (step, next) -> {
                        if (step == crashAfter) {
                            crashAfter = null;
                            throw new Crash(step);
                        }
                        CountDownLatch hold = holdAfter;
                        if (step == holdStep && hold != null) {
                            holdAfter = null;
                            held.countDown();
                            try {
                                assertTrue(hold.await(30, TimeUnit.SECONDS));
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }, new IndexedApplications(Set.of(APP), Set.of(APP)));
            items = new VersionedItems(repository, new IdGenerator(Clock.systemUTC()), Clock.systemUTC(),
                    new Cursors("crash-test-secret-0123".getBytes()), new LiveCollections(repository, Duration.ZERO), Map.of(), new WritesInFlight(Clock.systemUTC()));
        }
    }

    @BeforeAll
    static void start() {
        env = new java.util.HashMap<>(TestServer.freshTables());
        // app-a keeps a change feed here, whose reader rolls pending versions forward too
        env.put("API_KEYS", TestServer.API_KEYS.replace("{\"application\":\"app-a\",", "{\"application\":\"app-a\",\"feed\":true,"));
        server = TestServer.start(env);
        api = server.appA();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String collection(String user) {
        Response r = api.post("/api/user/" + user + "/collection", "{\"name\":\"c-" + System.nanoTime() + "\"}");
        assertEquals(201, r.status(), r.toString());
        return r.json().path("meta").path("collection").asText();
    }

    private static String entries(String user, String collection) {
        return "/api/user/" + user + "/collection/" + collection + "/entry";
    }

    private static ItemKey entryKey(String user, String collection, String id) {
        return Scope.entriesOf(APP, user, collection).item(id);
    }

    private static List<Integer> versions(String path) {
        Response r = api.get(path + "/versions");
        List<Integer> versions = new ArrayList<>();
        if (r.status() == 200) {
            r.json().forEach(v -> versions.add(v.path("meta").path("version").asInt()));
        }
        return versions;
    }

    private static ContentPatch named(String name) {
        return new ContentPatch(Optional.of(name), Optional.empty());
    }

    /** A value, as the JSON text the store keeps. */
    private static ContentPatch valued(String json) {
        return new ContentPatch(Optional.empty(), Optional.of(json));
    }

    private static ContentPatch both(String name, String json) {
        return new ContentPatch(Optional.of(name), Optional.of(json));
    }

    @Test
    void anUpdateCutAfterItsVersionIsInvisibleThenRolledForwardByTheNextWriter() {
        String c = collection("ann");
        Response created = api.post(entries("ann", c), "{\"name\":\"e\",\"value\":1}");
        String id = created.json().path("meta").path("entry").asText();
        String one = entries("ann", c) + "/" + id;
        Writer writer = new Writer();
        writer.crashAfter = Step.VERSION_WRITTEN;
        assertThrows(Crash.class, () -> writer.items.put(entryKey("ann", c, id), valued("2"), OptionalLong.empty(), Existence.ANY));

        // the pending version 2 shows nowhere: not as the latest, not in any history
        assertEquals(1, api.get(one).json().get(0).path("value").asInt());
        assertEquals(List.of(1), versions(one));
        assertEquals(404, api.get(one + "/versions/2").status());
        assertEquals(1, api.get(one + "?filter=all").json().size());
        assertEquals(1, api.get(entries("ann", c) + "?filter=all").json().size());

        // the next writer finishes it first, then writes its own: nothing lost, no gap
        Response next = api.put(one, "{\"value\":3}");
        assertEquals(200, next.status(), next.toString());
        assertEquals(3, next.json().path("meta").path("version").asInt());
        assertEquals(List.of(1, 2, 3), versions(one));
        assertEquals(2, api.get(one + "/versions/2").json().path("value").asInt());
    }

    @Test
    void aChangeFeedReaderRollsAVersionCutBeforeItsHeadForwardAndShowsItOnce() {
        String c = collection("ivy");
        String id = api.post(entries("ivy", c), "{\"value\":1}").json().path("meta").path("entry").asText();
        String one = entries("ivy", c) + "/" + id;
        Writer writer = new Writer();
        writer.crashAfter = Step.VERSION_WRITTEN;
        assertThrows(Crash.class, () -> writer.items.put(entryKey("ivy", c, id), valued("2"), OptionalLong.empty(), Existence.ANY));
        assertEquals(1, api.get(one).json().get(0).path("value").asInt());

        // its commit record is written: the feed shows it, after moving the head to it
        Response feed = api.get(entries("ivy", c) + "?since=0");
        assertEquals(200, feed.status(), feed.toString());
        List<Integer> shown = new ArrayList<>();
        feed.json().forEach(v -> shown.add(v.path("meta").path("version").asInt()));
        assertEquals(List.of(1, 2), shown);
        assertEquals(2, api.get(one).json().get(0).path("value").asInt(), "the head was rolled forward by the reader");
        assertEquals(List.of(1, 2), versions(one));
        String token = feed.header("X-Next-Since");
        assertEquals(0, api.get(entries("ivy", c) + "?since=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8))
                .json().size(), "and only once");
    }

    @Test
    void aCreateCutAfterItsVersionIsNotFoundUntilSomeoneWritesTheId() {
        String c = collection("bea");
        Writer writer = new Writer();
        writer.crashAfter = Step.VERSION_WRITTEN;
        assertThrows(Crash.class, () -> writer.items.put(entryKey("bea", c, "fixed-id"), valued("\"lost\""), OptionalLong.empty(), Existence.ANY));
        String one = entries("bea", c) + "/fixed-id";
        assertEquals(404, api.get(one).status());
        assertEquals(0, api.get(entries("bea", c) + "?filter=all").json().size());
        assertEquals(404, api.get(one + "/versions").status());

        Response put = api.put(one, "{\"value\":\"next\"}");
        assertEquals(200, put.status(), "an update of the rolled-forward create: " + put);
        assertEquals(List.of(1, 2), versions(one));
    }

    @Test
    void aNameClaimAbandonedByACrashIsTakenOverAfterTheGrace() {
        String c = collection("cyd");
        Writer writer = new Writer();
        writer.crashAfter = Step.NAME_CLAIMED;
        assertThrows(Crash.class, () -> writer.items.create(Scope.entriesOf(APP, "cyd", c), named("wanted")));
        assertEquals(0, api.get(entries("cyd", c) + "?name=wanted").json().size(), "a claim alone is no item");

        // within the grace the claim counts as in flight: the server retries, then fences it off
        Response taken = api.post(entries("cyd", c), "{\"name\":\"wanted\",\"value\":\"mine\"}");
        assertEquals(201, taken.status(), taken.toString());
        assertEquals(1, api.get(entries("cyd", c)).json().size());
    }

    @Test
    void aStalledClaimerFencedOffCannotCompleteItsCreate() throws Exception {
        String c = collection("dot");
        Writer writer = new Writer();
        CountDownLatch release = new CountDownLatch(1);
        writer.holdStep = Step.NAME_CLAIMED;
        writer.holdAfter = release;
        CompletableFuture<Object> stalled = CompletableFuture.supplyAsync(() -> {
            try {
                return writer.items.create(Scope.entriesOf(APP, "dot", c), both("contested", "\"late\""));
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertTrue(writer.held.await(30, TimeUnit.SECONDS));
        Response taken = api.post(entries("dot", c), "{\"name\":\"contested\",\"value\":\"first\"}");
        assertEquals(201, taken.status(), "the abandoned-looking claim is fenced off and taken over: " + taken);

        release.countDown();
        Object late = stalled.get(30, TimeUnit.SECONDS);
        assertTrue(late instanceof NameTakenException, "the stalled writer may not also have the name: " + late);
        JsonNode live = api.get(entries("dot", c)).json();
        assertEquals(1, live.size(), live.toString());
        assertEquals("first", live.get(0).path("value").asText());
    }

    @Test
    void aRenameCutAfterItsVersionHoldsItsNewNameOnceRolledForward() {
        String c = collection("eve");
        String id = api.post(entries("eve", c), "{\"name\":\"old\"}").json().path("meta").path("entry").asText();
        Writer writer = new Writer();
        writer.crashAfter = Step.VERSION_WRITTEN;
        assertThrows(Crash.class, () -> writer.items.put(entryKey("eve", c, id), named("new"), OptionalLong.empty(), Existence.ANY));
        assertEquals("old", api.get(entries("eve", c) + "/" + id).json().get(0).path("name").asText());

        // a claimer of the pending name finishes the rename, and then the name is held
        Response clash = api.post(entries("eve", c), "{\"name\":\"new\",\"value\":1}");
        assertEquals(409, clash.status(), clash.toString());
        assertEquals(id, clash.json().path("item").path("meta").path("entry").asText());
        assertEquals("new", api.get(entries("eve", c) + "/" + id).json().get(0).path("name").asText());
        // the old name was released lazily: it can be claimed again
        assertEquals(201, api.post(entries("eve", c), "{\"name\":\"old\"}").status());
    }

    @Test
    void aWriterStalledBeforeMovingTheHeadIsRolledForwardAndStillSucceeds() throws Exception {
        String c = collection("fox");
        String id = api.post(entries("fox", c), "{\"value\":0}").json().path("meta").path("entry").asText();
        String one = entries("fox", c) + "/" + id;
        Writer writer = new Writer();
        CountDownLatch release = new CountDownLatch(1);
        writer.holdStep = Step.VERSION_WRITTEN;
        writer.holdAfter = release;
        CompletableFuture<Item> stalled = CompletableFuture.supplyAsync(() ->
                writer.items.put(entryKey("fox", c, id), valued("1"), OptionalLong.empty(), Existence.ANY).item());
        assertTrue(writer.held.await(30, TimeUnit.SECONDS));
        assertEquals(200, api.put(one, "{\"value\":2}").status());
        release.countDown();
        assertEquals(2, stalled.get(30, TimeUnit.SECONDS).version(), "its version, moved forward by the other writer");
        assertEquals(List.of(1, 2, 3), versions(one));
        assertEquals(2, api.get(one).json().get(0).path("value").asInt());
    }

    @Test
    void aDeleteCutAfterItsVersionReleasesNothingUntilRolledForward() {
        String c = collection("gil");
        String id = api.post(entries("gil", c), "{\"name\":\"kept\"}").json().path("meta").path("entry").asText();
        Writer writer = new Writer();
        writer.crashAfter = Step.VERSION_WRITTEN;
        assertThrows(Crash.class, () -> writer.items.delete(entryKey("gil", c, id), OptionalLong.empty()));
        assertEquals(200, api.get(entries("gil", c) + "/" + id).status(), "the delete is not visible");
        assertEquals(409, api.post(entries("gil", c), "{\"name\":\"kept\",\"value\":2}").status(), "nor is the name free");
        // the next writer of the entry finishes the delete (and so finds it deleted); then the name is free
        assertEquals(404, api.put(entries("gil", c) + "/" + id, "{\"value\":3}").status());
        assertEquals(List.of(1, 2), versions(entries("gil", c) + "/" + id));
        Response after = api.post(entries("gil", c), "{\"name\":\"kept\",\"value\":2}");
        assertEquals(201, after.status(), after.toString());
    }

    // ---- batches: one transaction, meeting what single changes leave -----------------------------

    private static Response batch(String user, String collection, String entry, String op, String body) {
        return api.post("/api/batch", "{\"changes\":[{\"op\":\"" + op + "\",\"user\":\"" + user + "\",\"collection\":\"" + collection + "\""
                + (entry == null ? "" : ",\"entry\":\"" + entry + "\"") + (body == null ? "" : ",\"body\":" + body) + "}]}");
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> stored(Scope scope, String sortKey) {
        return SharedDynamoLocal.client().getItem(r -> r.tableName(env.get("TABLE_NAME_ENTRIES"))
                .key(ItemCodec.key(KeyLayout.partition(scope), sortKey)).consistentRead(true)).item();
    }

    @Test
    void aBatchMeetingAPendingVersionRollsItForwardAndWritesAfterIt() {
        String c = collection("hal");
        String id = api.post(entries("hal", c), "{\"value\":0}").json().path("meta").path("entry").asText();
        String one = entries("hal", c) + "/" + id;
        Writer writer = new Writer();
        writer.crashAfter = Step.VERSION_WRITTEN;
        assertThrows(Crash.class, () -> writer.items.put(entryKey("hal", c, id), valued("1"), OptionalLong.empty(), Existence.ANY));

        Response r = batch("hal", c, id, "put", "{\"value\":2}");
        assertEquals(200, r.status(), r.toString());
        assertEquals(3, r.json().path("results").get(0).path("item").path("meta").path("version").asInt(), "after the pending version, finished first");
        assertEquals(List.of(1, 2, 3), versions(one));
        assertEquals(1, api.get(one + "/versions/2").json().path("value").asInt());
    }

    @Test
    void aBatchMeetingAnAbandonedClaimTakesTheNameOverAfterTheGrace() {
        String c = collection("ida");
        Writer writer = new Writer();
        writer.crashAfter = Step.NAME_CLAIMED;
        assertThrows(Crash.class, () -> writer.items.create(Scope.entriesOf(APP, "ida", c), named("wanted")));

        // within the grace the claim counts as in flight: the batch goes again, then fences it off
        Response r = batch("ida", c, null, "create", "{\"name\":\"wanted\",\"value\":\"mine\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals(201, r.json().path("results").get(0).path("status").asInt());
        JsonNode live = api.get(entries("ida", c) + "?name=wanted").json();
        assertEquals(1, live.size(), live.toString());
        assertEquals("mine", live.get(0).path("value").asText());
    }

    @Test
    void aBatchClaimsAsASingleChangeDoesAndReleasesLazily() {
        String c = collection("jan");
        Scope scope = Scope.entriesOf(APP, "jan", c);
        Response created = batch("jan", c, null, "create", "{\"name\":\"first\",\"value\":1}");
        assertEquals(200, created.status(), created.toString());
        String id = created.json().path("results").get(0).path("item").path("meta").path("entry").asText();

        var register = stored(scope, KeyLayout.name("first"));
        assertEquals(id, register.get(ItemCodec.HOLDER).s());
        assertEquals("1", register.get(ItemCodec.CLAIMED_VERSION).n());
        assertTrue(register.containsKey(ItemCodec.CLAIMED_AT), register.toString());
        String token = register.get(ItemCodec.CLAIM_TOKEN).s();
        assertEquals(token, stored(scope, KeyLayout.version(id, 1)).get(ItemCodec.WRITER).s(), "the version carries its attempt's token");

        Response renamed = batch("jan", c, id, "put", "{\"name\":\"second\"}");
        assertEquals(200, renamed.status(), renamed.toString());
        assertEquals(id, stored(scope, KeyLayout.name("first")).get(ItemCodec.HOLDER).s(), "the old register is left, naming the item");
        assertEquals("2", stored(scope, KeyLayout.name("second")).get(ItemCodec.CLAIMED_VERSION).n());
        // stale now: a single create takes it over
        assertEquals(201, api.post(entries("jan", c), "{\"name\":\"first\"}").status());
        assertEquals(409, api.post(entries("jan", c), "{\"name\":\"second\",\"value\":2}").status());
    }
}
