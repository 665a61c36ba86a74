package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.dynamo.RawItems;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.SharedDynamoLocal;
import dev.dynamini.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Erasure (?purge=true) of entries, collections and users, checked in the tables themselves. */
class PurgeApiTest {
    private static final String APP = "app-a";
    private static TestServer server;
    private static Http api;
    private static RawItems raw;

    @BeforeAll
    static void start() {
        String prefix = "purge" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        server = TestServer.start(Map.of("TABLE_NAME_COLLECTIONS", prefix + ".collections", "TABLE_NAME_ENTRIES", prefix + ".entries"));
        api = server.appA();
        raw = new RawItems(SharedDynamoLocal.client(), prefix + ".collections", prefix + ".entries");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String entries(String user, String c) {
        return "/api/user/" + user + "/collection/" + c + "/entry";
    }

    private static void assertPurged(Response r, long items, long versions) {
        assertEquals(200, r.status(), r.toString());
        assertEquals(items, r.json().path("purged").path("items").asLong(), r.body());
        assertEquals(versions, r.json().path("purged").path("versions").asLong(), r.body());
    }

    private static List<String> keysOf(List<String> keys, String id) {
        return keys.stream().filter(k -> k.contains(id)).toList();
    }

    @Test
    void entryPurgeRemovesEveryVersionHeadAndNameAndNothingElse() {
        String c = CollectionApiTest.create(api, "ann", "notes");
        String e = EntryApiTest.createEntry(api, entries("ann", c), "{\"name\":\"secret\",\"value\":{\"v\":1}}");
        String other = EntryApiTest.createEntry(api, entries("ann", c), "{\"name\":\"keep\",\"value\":{\"v\":1}}");
        assertEquals(200, api.put(entries("ann", c) + "/" + e, "{\"value\":{\"v\":2}}").status());
        assertEquals(200, api.put(entries("ann", c) + "/" + e, "{\"value\":{\"v\":3}}").status());

        assertPurged(api.delete(entries("ann", c) + "/" + e + "?purge=true"), 1, 3);

        List<String> keys = raw.sortKeys(Scope.entriesOf(APP, "ann", c));
        assertEquals(List.of(), keysOf(keys, e), "no head, no version of the purged entry");
        assertTrue(!keys.contains("N#secret"), "its name register is gone");
        assertEquals(List.of("H#" + other, "N#keep", "V#" + other + "#0000000001"), keys, "the other entry untouched");
        assertEquals(404, api.get(entries("ann", c) + "/" + e + "?filter=all").status());
        assertEquals(201, api.post(entries("ann", c), "{\"name\":\"secret\",\"value\":{\"v\":9}}").status(), "the name is free again");
        assertEquals(200, api.get(entries("ann", c) + "/" + other).status());

        assertPurged(api.delete(entries("ann", c) + "/" + e + "?purge=true"), 0, 0);
        // a write after the purge starts the id afresh (PUT creates): version 1, nothing of the old history
        Response again = api.put(entries("ann", c) + "/" + e, "{\"value\":{\"fresh\":true}}");
        assertEquals(201, again.status(), again.toString());
        assertEquals(1, api.get(entries("ann", c) + "/" + e + "?filter=all").json().size());
    }

    @Test
    void collectionPurgeEmptiesItsPartitionAndRemovesItsItems() {
        String c = CollectionApiTest.create(api, "bob", "doomed");
        String kept = CollectionApiTest.create(api, "bob", "kept");
        String e1 = EntryApiTest.createEntry(api, entries("bob", c), "{\"name\":\"a\",\"value\":{\"v\":1}}");
        EntryApiTest.createEntry(api, entries("bob", c), "{\"name\":\"b\"}");
        EntryApiTest.createEntry(api, entries("bob", c), "{\"value\":[1]}");
        assertEquals(200, api.put(entries("bob", c) + "/" + e1, "{\"value\":{\"v\":2}}").status());
        EntryApiTest.createEntry(api, entries("bob", kept), "{\"name\":\"a\"}");

        // 3 entries (4 versions), the collection: its version 1 and the deleting version the purge writes first
        assertPurged(api.delete("/api/user/bob/collection/" + c + "?purge=true"), 4, 6);

        assertEquals(List.of(), raw.sortKeys(Scope.entriesOf(APP, "bob", c)));
        List<String> collections = raw.sortKeys(Scope.collectionsOf(APP, "bob"));
        assertEquals(List.of(), keysOf(collections, c));
        assertTrue(!collections.contains("N#doomed"));
        assertEquals(3, raw.sortKeys(Scope.entriesOf(APP, "bob", kept)).size(), "another collection untouched");
        assertEquals(201, api.post("/api/user/bob/collection", "{\"name\":\"doomed\"}").status(), "the name is free again");
        assertPurged(api.delete("/api/user/bob/collection/" + c + "?purge=true"), 0, 0);
    }

    @Test
    void userPurgeOfTenThousandEntriesLeavesNothingAndSparesOthers() {
        for (int i = 0; i < 4; i++) {
            raw.putCollection(APP, "big", "c" + i);
            raw.putEntries(APP, "big", "c" + i, "e", 2500);
        }
        String keep = CollectionApiTest.create(api, "small", "kept");
        EntryApiTest.createEntry(api, entries("small", keep), "{\"name\":\"x\"}");

        int before = server.requests().size();
        long started = System.nanoTime();
        Response r = api.delete("/api/user/big?purge=true");
        double seconds = (System.nanoTime() - started) / 1e9;
        // 10,000 entries and 4 collections; versions: one per entry, two per collection (create and the deleting version)
        assertPurged(r, 10_004, 10_008);
        var usage = purgeRecord(before).dynamo();
        System.out.printf("purged a user of 10,004 items (20,016 stored items) in %.1f s: %.0f items/s; %d DynamoDB requests, %.0f RCU, %.0f WCU%n",
                seconds, 10_004 / seconds, usage.requests(), usage.readUnits(), usage.writeUnits());
        // every delete is counted: BatchWriteItem goes through the metered client
        assertTrue(usage.writeUnits() >= 20_000, usage.toString());

        assertEquals(List.of(), raw.sortKeys(Scope.collectionsOf(APP, "big")));
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of(), raw.sortKeys(Scope.entriesOf(APP, "big", "c" + i)));
        }
        assertEquals(3, raw.sortKeys(Scope.collectionsOf(APP, "small")).size());
        assertEquals(200, api.get(entries("small", keep) + "?name=x").status());
        assertEquals(1, api.get(entries("small", keep) + "?name=x").json().size());
        assertPurged(api.delete("/api/user/big?purge=true"), 0, 0);
    }

    /** The access record of the user purge: written as the request ends, so possibly just after the answer. */
    private static RequestRecord purgeRecord(int after) {
        for (int i = 0; i < 200; i++) {
            List<RequestRecord> records = server.requests();
            for (RequestRecord r : records.subList(Math.min(after, records.size()), records.size())) {
                if (r.method().equals("DELETE") && r.route().equals("/api/user/{user}") && r.status() == 200) {
                    return r;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no access record of the purge");
    }

    @Test
    void aPurgeCutShortIsFinishedByTheNextOne() {
        // an entry purge that deleted some versions and died before the head
        String c = CollectionApiTest.create(api, "cut", "c");
        String e = EntryApiTest.createEntry(api, entries("cut", c), "{\"name\":\"n\"}");
        api.put(entries("cut", c) + "/" + e, "{\"value\":[2]}");
        api.put(entries("cut", c) + "/" + e, "{\"value\":[3]}");
        Scope scope = Scope.entriesOf(APP, "cut", c);
        raw.delete(Kind.ENTRY, scope, List.of(RawItems.versionKey(scope.item(e), 1), RawItems.versionKey(scope.item(e), 2)));
        assertEquals(200, api.get(entries("cut", c) + "/" + e).status(), "the item still reads whole from its head");
        assertPurged(api.delete(entries("cut", c) + "/" + e + "?purge=true"), 1, 1);
        assertEquals(List.of(), raw.sortKeys(scope));

        // versions left without a head (however they came to be) go as well
        String orphan = EntryApiTest.createEntry(api, entries("cut", c), "{\"value\":[1]}");
        raw.delete(Kind.ENTRY, scope, List.of(RawItems.headKey(scope.item(orphan))));
        assertPurged(api.delete(entries("cut", c) + "/" + orphan + "?purge=true"), 0, 1);
        assertEquals(List.of(), raw.sortKeys(scope));

        // a collection purge that soft-deleted the collection and swept part of its entries
        String d = CollectionApiTest.create(api, "cut", "d");
        String e1 = EntryApiTest.createEntry(api, entries("cut", d), "{\"name\":\"one\"}");
        EntryApiTest.createEntry(api, entries("cut", d), "{\"name\":\"two\"}");
        assertEquals(200, api.delete("/api/user/cut/collection/" + d).status());
        Scope dEntries = Scope.entriesOf(APP, "cut", d);
        raw.delete(Kind.ENTRY, dEntries, List.of(RawItems.headKey(dEntries.item(e1)), "N#one"));
        // c (two versions: its create and the purge's delete), d (create, delete), e1's version, e2
        assertPurged(api.delete("/api/user/cut?purge=true"), 3, 6);
        assertEquals(List.of(), raw.sortKeys(dEntries));
        assertEquals(List.of(), raw.sortKeys(Scope.collectionsOf(APP, "cut")));
    }

    @Test
    void refusedPurgesDeleteNothing() {
        String c = CollectionApiTest.create(api, "ro", "c");
        String e = EntryApiTest.createEntry(api, entries("ro", c), "{\"name\":\"n\"}");
        String one = entries("ro", c) + "/" + e;
        Http reader = server.http().with("x-api-key", TestServer.KEY_A_READ);
        for (Response r : new Response[] {
            reader.delete(one + "?purge=true"),
            reader.delete("/api/user/ro/collection/" + c + "?purge=true"),
            reader.delete("/api/user/ro?purge=true"),
        }) {
            assertEquals(403, r.status(), r.toString());
        }
        for (Response r : new Response[] {
            api.delete(one + "?purge=yes"),
            api.delete("/api/user/ro/collection/" + c + "?purge=1"),
            api.delete("/api/user/ro?purge=maybe"),
            api.with("If-Match", "\"1\"").delete(one + "?purge=true"),
        }) {
            assertEquals(400, r.status(), r.toString());
        }
        assertEquals(404, api.delete("/api/user/ro").status(), "a user has no soft delete");
        assertEquals(404, api.delete("/api/user/ro?purge=false").status());
        assertEquals(401, server.http().delete("/api/user/ro?purge=true").status());
        assertEquals(6, raw.sortKeys(Scope.entriesOf(APP, "ro", c)).size() + raw.sortKeys(Scope.collectionsOf(APP, "ro")).size(),
                "entry and collection: head, version, register each");
        assertEquals(200, api.get(one).status());
    }
}
