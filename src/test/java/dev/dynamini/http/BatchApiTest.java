package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Concurrently;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** POST /api/batch: up to 25 changes of collections and entries, all applied in one transaction or none. */
class BatchApiTest extends ServerPerClass {

    // ---- all applied --------------------------------------------------------------------------

    @Test
    void aMixedBatchAcrossUsersAndCollectionsAppliesEveryChangeInOrder() {
        String groceries = CollectionApiTest.create(api, "ann", "groceries");
        String entries = "/api/user/ann/collection/" + groceries + "/entry";
        String milk = EntryApiTest.createEntry(api, entries, "{\"name\":\"milk\",\"value\":{\"l\":1}}");
        String bread = EntryApiTest.createEntry(api, entries, "{\"name\":\"bread\"}");
        String eggs = EntryApiTest.createEntry(api, entries, "{\"name\":\"eggs\",\"value\":6}");
        assertEquals(200, api.delete(entries + "/" + eggs).status());
        String tools = CollectionApiTest.create(api, "bob", "tools");
        String same = CollectionApiTest.create(api, "bob", "same");

        Response r = api.post("/api/batch", batch(
                change("create", "ann", null, null, "\"body\":{\"name\":\"todo\",\"value\":{\"k\":[1,2.50]}}"),
                change("create", "ann", groceries, null, "\"body\":{\"name\":\"butter\",\"value\":{\"g\":250}}"),
                change("put", "ann", groceries, milk, "\"body\":{\"value\":{\"l\":2}},\"ifMatch\":1"),
                change("delete", "ann", groceries, bread, "\"ifMatch\":1"),
                change("restore", "ann", groceries, eggs, null),
                change("put", "bob", "chosen-id", null, "\"body\":{\"value\":{\"made\":\"by put\"}}"),
                change("put", "bob", "never-made", "e-1", "\"body\":{\"name\":\"first\"}"),
                change("put", "bob", tools, null, "\"body\":{\"name\":\"toolbox\"}"),
                change("create", "bob", tools, null, "\"body\":{\"name\":\"hammer\"}"),
                change("create", "bob", null, null, "\"body\":{\"name\":\"same\"}")));
        assertEquals(200, r.status(), r.toString());
        JsonNode results = r.json().path("results");
        assertEquals(10, results.size());
        int[] statuses = {201, 201, 200, 200, 200, 201, 201, 200, 201, 200};
        for (int i = 0; i < statuses.length; i++) {
            assertEquals(statuses[i], results.get(i).path("status").asInt(), "change " + i + ": " + results.get(i));
        }
        JsonNode todo = results.get(0).path("item");
        assertEquals("todo", todo.path("name").asText());
        assertTrue(r.body().contains("\"value\":{\"k\":[1,2.50]}"), "the value exactly as sent: " + r.body());
        assertEquals(1, todo.path("meta").path("version").asInt());
        assertEquals("butter", results.get(1).path("item").path("name").asText());
        assertEquals(groceries, results.get(1).path("item").path("meta").path("collection").asText());
        assertEquals(2, results.get(2).path("item").path("meta").path("version").asInt());
        assertEquals("milk", results.get(2).path("item").path("name").asText(), "PUT keeps omitted fields");
        assertEquals(2, results.get(2).path("item").path("value").path("l").asInt());
        assertTrue(results.get(3).path("item").path("meta").has("deletedAt"));
        assertEquals(3, results.get(4).path("item").path("meta").path("version").asInt());
        assertFalse(results.get(4).path("item").path("meta").has("deletedAt"));
        assertEquals("chosen-id", results.get(5).path("item").path("name").asText(), "a collection made by PUT is named by its id");
        assertEquals("toolbox", results.get(7).path("item").path("name").asText());
        assertEquals(tools, results.get(8).path("item").path("meta").path("collection").asText());
        assertEquals(same, results.get(9).path("item").path("meta").path("collection").asText(), "an equal live collection is answered, not written");
        assertEquals(1, results.get(9).path("item").path("meta").path("version").asInt());

        // what is stored is what was answered
        assertEquals(2, api.get(entries + "/" + milk).json().get(0).path("meta").path("version").asInt());
        assertEquals(404, api.get(entries + "/" + bread).status(), "deleted");
        assertEquals("eggs", api.get(entries + "/" + eggs).json().get(0).path("name").asText(), "restored");
        assertEquals(1, api.get(entries + "?name=butter").json().size());
        assertEquals(1, api.get("/api/user/ann/collection?name=todo").json().size());
        JsonNode implicit = api.get("/api/user/bob/collection/never-made").json().get(0);
        assertEquals("never-made", implicit.path("name").asText(), "the entry's collection was made, named by its id");
        assertEquals("first", api.get("/api/user/bob/collection/never-made/entry/e-1").json().get(0).path("name").asText());
        assertEquals(1, api.get("/api/user/bob/collection?name=same&filter=all").json().size());
        JsonNode sameHistory = api.get("/api/user/bob/collection").json();
        long sames = 0;
        for (JsonNode c : sameHistory) {
            sames += c.path("name").asText().equals("same") ? 1 : 0;
        }
        assertEquals(1, sames, "the idempotent create wrote nothing");
    }

    @Test
    void aBatchIsOneReadOfHeadsOneOfTheRegistersItClaimsAndOneTransactWriteItems() {
        String c = CollectionApiTest.create(api, "cost", "c");
        String entries = "/api/user/cost/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\"}");
        String b = EntryApiTest.createEntry(api, entries, "{\"name\":\"b\"}");
        Counters before = Counters.read();
        Response r = api.post("/api/batch", batch(
                change("create", "cost", null, null, "\"body\":{\"name\":\"d\"}"),
                change("create", "cost", c, null, "\"body\":{\"name\":\"e\"}"),
                change("create", "cost", c, null, "\"body\":{\"value\":[1]}"),
                change("put", "cost", c, a, "\"body\":{\"value\":{\"n\":1}}"),
                change("delete", "cost", c, b, null)));
        assertEquals(200, r.status(), r.toString());
        Counters spent = Counters.read().minus(before);
        assertEquals(1, spent.transactionsTried(), "one TransactWriteItems: " + spent);
        assertEquals(1, spent.transactionsOk(), spent.toString());
        // one BatchGetItem of every head the changes start from, one of the two registers claimed, then the transaction
        var usage = usageOf(r);
        assertEquals(3, usage.requests(), usage.toString());
        System.out.printf("batch of 5 changes (4 entries in one collection, 1 collection): %d DynamoDB requests, %.1f RCU, %.1f WCU (DynamoDB Local's figures)%n",
                usage.requests(), usage.readUnits(), usage.writeUnits());

        // no name claimed: no register read
        Response unnamed = api.post("/api/batch", batch(
                change("put", "cost", c, a, "\"body\":{\"value\":{\"n\":2}}"),
                change("create", "cost", c, null, "\"body\":{\"value\":[2]}")));
        assertEquals(200, unnamed.status(), unnamed.toString());
        assertEquals(2, usageOf(unnamed).requests(), usageOf(unnamed).toString());
    }

    @Test
    void aTransactionOfExactlyOneHundredItemsIsAcceptedOneOfMoreIsRefused() {
        List<String> collections = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            collections.add(CollectionApiTest.create(api, "wide", "c" + i));
        }
        // a named entry create: head, version, name register, and its collection's check = 4 items
        List<String> creates = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            creates.add(change("create", "wide", collections.get(i), null, "\"body\":{\"name\":\"n\",\"value\":" + i + "}"));
        }
        Response full = api.post("/api/batch", batch(creates.toArray(String[]::new)));
        assertEquals(200, full.status(), full.toString());
        assertEquals(25, full.json().path("results").size());

        // into collection ids that never existed: each also creates its collection (3 more items)
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            tooMany.add(change("create", "wider", "new-" + i, null, "\"body\":{\"name\":\"n\"}"));
        }
        Counters before = Counters.read();
        Response refused = api.post("/api/batch", batch(tooMany.toArray(String[]::new)));
        assertEquals(400, refused.status(), refused.toString());
        assertTrue(refused.json().path("message").asText().contains("150 DynamoDB transaction items"), refused.toString());
        assertTrue(refused.json().path("message").asText().contains("100"), refused.toString());
        assertEquals(0, Counters.read().minus(before).transactionsTried());
        assertEquals(0, api.get("/api/user/wider/collection?filter=all").json().size());
    }

    // ---- none applied -------------------------------------------------------------------------

    @Test
    void aStaleIfMatchInOneChangeIs412NamingItAndNothingIsWritten() {
        String c = CollectionApiTest.create(api, "strict", "c");
        String entries = "/api/user/strict/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\"}");
        String b = EntryApiTest.createEntry(api, entries, "{\"name\":\"b\"}");
        String stale = EntryApiTest.createEntry(api, entries, "{\"name\":\"s\",\"value\":1}");
        assertEquals(200, api.put(entries + "/" + stale, "{\"value\":2}").status());
        String before = snapshot("strict");
        Counters counted = Counters.read();

        Response r = api.post("/api/batch", batch(
                change("put", "strict", c, a, "\"body\":{\"value\":{\"n\":1}},\"ifMatch\":1"),
                change("create", "strict", c, null, "\"body\":{\"name\":\"new-one\"}"),
                change("put", "strict", c, stale, "\"body\":{\"value\":3},\"ifMatch\":1"),
                change("delete", "strict", c, b, null),
                change("create", "strict", null, null, "\"body\":{\"name\":\"another\"}")));
        assertEquals(412, r.status(), r.toString());
        JsonNode error = r.json();
        assertEquals("precondition_failed", error.path("error").asText());
        assertEquals(2, error.path("change").asInt());
        assertTrue(error.path("message").asText().startsWith("change 2: "), r.toString());
        assertEquals(stale, error.path("item").path("meta").path("entry").asText());
        assertEquals(2, error.path("item").path("meta").path("version").asInt(), "the latest version, as a single PUT's 412 has it");

        assertEquals(before, snapshot("strict"), "nothing was written: no version, no item, no delete");
        assertEquals(0, Counters.read().minus(counted).transactionsOk());
        assertEquals(1, api.get(entries + "/" + a + "/versions").json().size());
        assertEquals(1, api.get(entries + "/" + b + "/versions").json().size());
        assertEquals(0, api.get(entries + "?name=new-one").json().size());
    }

    @Test
    void ifNoneMatchAndIfMatchStarAreThoseOfAPut() {
        String c = CollectionApiTest.create(api, "star", "c");
        String entries = "/api/user/star/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\"}");
        Response createOnly = api.post("/api/batch", batch(change("put", "star", c, a, "\"body\":{\"value\":1},\"ifNoneMatch\":\"*\"")));
        assertEquals(412, createOnly.status(), createOnly.toString());
        assertEquals(0, createOnly.json().path("change").asInt());
        Response updateOnly = api.post("/api/batch", batch(
                change("put", "star", c, a, "\"body\":{\"value\":1},\"ifMatch\":\"*\""),
                change("put", "star", c, "nope", "\"body\":{\"value\":1},\"ifMatch\":\"*\"")));
        assertEquals(404, updateOnly.status(), updateOnly.toString());
        assertEquals(1, updateOnly.json().path("change").asInt());
        assertEquals(1, api.get(entries + "/" + a + "/versions").json().size(), "the first change was not written either");
    }

    @Test
    void aNameTakenIs409NamingTheChangeWithTheHolder() {
        String c = CollectionApiTest.create(api, "clash", "c");
        String entries = "/api/user/clash/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\"}");
        String holder = EntryApiTest.createEntry(api, entries, "{\"name\":\"taken\",\"value\":1}");
        String before = snapshot("clash");
        Counters counted = Counters.read();

        Response create = api.post("/api/batch", batch(
                change("put", "clash", c, a, "\"body\":{\"value\":{\"n\":1}}"),
                change("create", "clash", c, null, "\"body\":{\"name\":\"taken\",\"value\":2}")));
        assertEquals(409, create.status(), create.toString());
        assertEquals("conflict", create.json().path("error").asText());
        assertEquals(1, create.json().path("change").asInt());
        assertEquals(holder, create.json().path("item").path("meta").path("entry").asText());

        Response rename = api.post("/api/batch", batch(
                change("create", "clash", null, null, "\"body\":{\"name\":\"fine\"}"),
                change("put", "clash", c, a, "\"body\":{\"name\":\"taken\"}")));
        assertEquals(409, rename.status(), rename.toString());
        assertEquals(1, rename.json().path("change").asInt());
        assertEquals(holder, rename.json().path("item").path("meta").path("entry").asText());

        Response twice = api.post("/api/batch", batch(
                change("create", "clash", c, null, "\"body\":{\"name\":\"twin\",\"value\":1}"),
                change("create", "clash", c, null, "\"body\":{\"name\":\"twin\",\"value\":2}")));
        assertEquals(409, twice.status(), twice.toString());
        assertEquals(1, twice.json().path("change").asInt());
        assertFalse(twice.json().has("item"), "the other claimant is not stored");

        assertEquals(before, snapshot("clash"), "nothing was written");
        assertEquals(0, Counters.read().minus(counted).transactionsOk());

        // two equal creates: the second is the first, as a repeated POST would be
        Response equal = api.post("/api/batch", batch(
                change("create", "clash", c, null, "\"body\":{\"name\":\"twin\",\"value\":1}"),
                change("create", "clash", c, null, "\"body\":{\"name\":\"twin\",\"value\":1}")));
        assertEquals(200, equal.status(), equal.toString());
        assertEquals(201, equal.json().path("results").get(0).path("status").asInt());
        assertEquals(200, equal.json().path("results").get(1).path("status").asInt());
        assertEquals(equal.json().path("results").get(0).path("item"), equal.json().path("results").get(1).path("item"));
    }

    /**
     * Names are released lazily (docs/storage.md): a rename or delete leaves the register naming
     * the old holder. A batch judges such a register as a single write does: stale, it is taken
     * over; held by a live item, the batch is 409 and writes nothing.
     */
    @Test
    void aStaleRegisterIsTakenOverAndANameHeldByALiveItemIs409() {
        String c = CollectionApiTest.create(api, "lazy", "c");
        String entries = "/api/user/lazy/collection/" + c + "/entry";
        // renamed away from "x" by a single PUT; deleted while holding "z": both registers still name them
        String renamed = EntryApiTest.createEntry(api, entries, "{\"name\":\"x\",\"value\":1}");
        assertEquals(200, api.put(entries + "/" + renamed, "{\"name\":\"y\"}").status());
        String deleted = EntryApiTest.createEntry(api, entries, "{\"name\":\"z\"}");
        assertEquals(200, api.delete(entries + "/" + deleted).status());
        String holder = EntryApiTest.createEntry(api, entries, "{\"name\":\"held\"}");

        Response taken = api.post("/api/batch", batch(
                change("create", "lazy", c, null, "\"body\":{\"name\":\"x\",\"value\":2}"),
                change("create", "lazy", c, null, "\"body\":{\"name\":\"z\",\"value\":3}")));
        assertEquals(200, taken.status(), taken.toString());
        String x = taken.json().path("results").get(0).path("item").path("meta").path("entry").asText();
        String z = taken.json().path("results").get(1).path("item").path("meta").path("entry").asText();
        assertEquals(x, api.get(entries + "?name=x").json().get(0).path("meta").path("entry").asText());
        assertEquals(z, api.get(entries + "?name=z").json().get(0).path("meta").path("entry").asText());
        // the batch's claims hold against single writes: the old holder cannot take its name back
        Response back = api.put(entries + "/" + renamed, "{\"name\":\"x\"}");
        assertEquals(409, back.status(), back.toString());
        assertEquals(x, back.json().path("item").path("meta").path("entry").asText());

        String before = snapshot("lazy");
        Counters counted = Counters.read();
        Response held = api.post("/api/batch", batch(
                change("put", "lazy", c, renamed, "\"body\":{\"value\":9}"),
                change("create", "lazy", c, null, "\"body\":{\"name\":\"held\",\"value\":4}")));
        assertEquals(409, held.status(), held.toString());
        assertEquals("conflict", held.json().path("error").asText());
        assertEquals(1, held.json().path("change").asInt());
        assertEquals(holder, held.json().path("item").path("meta").path("entry").asText());
        assertEquals(before, snapshot("lazy"), "nothing was written");
        assertEquals(0, Counters.read().minus(counted).transactionsTried(), "judged before the transaction, which is not sent");

        // a batch gives "x" up in turn (lazily as well): a single create takes the register over
        assertEquals(200, api.post("/api/batch", batch(change("put", "lazy", c, x, "\"body\":{\"name\":\"x2\"}"))).status());
        Response single = api.post(entries, "{\"name\":\"x\",\"value\":5}");
        assertEquals(201, single.status(), single.toString());
    }

    /**
     * No register is deleted, so a name one change gives up (a rename, a delete) may be claimed by
     * a later change of the same batch; claimed by an earlier one, it is still held there (409), as
     * one write after the other would have it.
     */
    @Test
    void aNameGivenUpByOneChangeMayBeClaimedByALaterOneNotAnEarlierOne() {
        String c = CollectionApiTest.create(api, "passing", "c");
        String entries = "/api/user/passing/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\"}");
        String b = EntryApiTest.createEntry(api, entries, "{\"name\":\"b\"}");
        String before = snapshot("passing");

        Response early = api.post("/api/batch", batch(
                change("create", "passing", c, null, "\"body\":{\"name\":\"a\",\"value\":1}"),
                change("put", "passing", c, a, "\"body\":{\"name\":\"alpha\"}")));
        assertEquals(409, early.status(), early.toString());
        assertEquals(0, early.json().path("change").asInt());
        assertEquals(a, early.json().path("item").path("meta").path("entry").asText());
        assertEquals(before, snapshot("passing"), "nothing was written");

        Response passed = api.post("/api/batch", batch(
                change("put", "passing", c, a, "\"body\":{\"name\":\"alpha\"}"),
                change("create", "passing", c, null, "\"body\":{\"name\":\"a\",\"value\":1}"),
                change("delete", "passing", c, b, null),
                change("put", "passing", c, "new-b", "\"body\":{\"name\":\"b\"}")));
        assertEquals(200, passed.status(), passed.toString());
        String newA = passed.json().path("results").get(1).path("item").path("meta").path("entry").asText();
        assertEquals(newA, api.get(entries + "?name=a").json().get(0).path("meta").path("entry").asText());
        assertEquals(a, api.get(entries + "?name=alpha").json().get(0).path("meta").path("entry").asText());
        assertEquals("new-b", api.get(entries + "?name=b").json().get(0).path("meta").path("entry").asText());
        assertEquals(409, api.put(entries + "/" + a, "{\"name\":\"a\"}").status(), "the name passed: its first item no longer has it");
    }

    /**
     * Every entry write of a batch (not a delete) must match its collection's JSON Schema, as the
     * single writes must: the collection as an earlier change of the batch left it, else as stored.
     * A violation is 400 schema_violation naming the change, with details, and writes nothing.
     */
    @Test
    void anEntryValueMustMatchItsCollectionsSchemaAsTheBatchLeavesIt() {
        String schema = "{\"type\":\"object\",\"required\":[\"title\"],\"properties\":{\"title\":{\"type\":\"string\"}}}";
        Response made = api.post("/api/user/schemer/collection", "{\"name\":\"todos\",\"schema\":" + schema + "}");
        assertEquals(201, made.status(), made.toString());
        String c = made.json().path("meta").path("collection").asText();
        String entries = "/api/user/schemer/collection/" + c + "/entry";
        String ok = EntryApiTest.createEntry(api, entries, "{\"value\":{\"title\":\"first\"}}");
        String before = snapshot("schemer");
        Counters counted = Counters.read();

        Response r = api.post("/api/batch", batch(
                change("put", "schemer", c, ok, "\"body\":{\"value\":{\"title\":\"second\"}}"),
                change("create", "schemer", c, null, "\"body\":{\"value\":{\"title\":7}}")));
        assertViolation(r, 1, "/title", "type");
        assertViolation(api.post("/api/batch", batch(
                change("create", "schemer", c, null, "\"body\":{\"value\":{\"title\":\"fine\"}}"),
                change("put", "schemer", c, ok, "\"body\":{\"value\":{}}"))), 1, "", "required");
        assertViolation(api.post("/api/batch", batch(
                change("put", "schemer", c, "by-put", "\"body\":{\"value\":[]}"))), 0, "", "type");
        // a schema set earlier in the batch applies to the entries after it
        assertViolation(api.post("/api/batch", batch(
                change("put", "schemer", c, null, "\"body\":{\"schema\":{\"type\":\"object\",\"required\":[\"done\"]}}"),
                change("create", "schemer", c, null, "\"body\":{\"value\":{\"title\":\"not done\"}}"))), 1, "", "required");
        assertEquals(before, snapshot("schemer"), "nothing was written");
        assertEquals(0, Counters.read().minus(counted).transactionsTried());

        // as single writes: an entry has no schema, a collection's must be valid
        Response entrySchema = api.post("/api/batch", batch(change("create", "schemer", c, null, "\"body\":{\"name\":\"n\",\"schema\":{}}")));
        assertEquals(400, entrySchema.status(), entrySchema.toString());
        assertEquals("bad_request", entrySchema.json().path("error").asText());
        assertTrue(entrySchema.json().path("message").asText().contains("an entry has no \"schema\""), entrySchema.toString());
        Response invalid = api.post("/api/batch", batch(change("create", "schemer", null, null, "\"body\":{\"name\":\"bad\",\"schema\":{\"type\":5}}")));
        assertEquals(400, invalid.status(), invalid.toString());
        assertEquals("invalid_schema", invalid.json().path("error").asText());
        assertEquals(0, invalid.json().path("change").asInt());
        assertTrue(invalid.json().path("details").size() > 0, invalid.toString());

        // a schema taken away earlier in the batch lets the entries after it in; a delete is never checked
        Response loosened = api.post("/api/batch", batch(
                change("put", "schemer", c, null, "\"body\":{\"schema\":null}"),
                change("create", "schemer", c, null, "\"body\":{\"value\":{\"title\":7}}"),
                change("delete", "schemer", c, ok, null)));
        assertEquals(200, loosened.status(), loosened.toString());
        assertFalse(loosened.json().path("results").get(0).path("item").has("schema"));
    }

    /**
     * The collections a batch wrote are remembered as written (LiveCollections), as after a single
     * change: entry writes right after it see the new schema and the delete, not what was
     * remembered before.
     */
    @Test
    void singleWritesAfterABatchSeeTheCollectionsItWrote() {
        String c = CollectionApiTest.create(api, "after", "c");
        String entries = "/api/user/after/collection/" + c + "/entry";
        EntryApiTest.createEntry(api, entries, "{\"value\":{\"n\":\"not a number\"}}"); // the collection is remembered now
        Response schema = api.post("/api/batch", batch(
                change("put", "after", c, null, "\"body\":{\"schema\":{\"properties\":{\"n\":{\"type\":\"number\"}}}}")));
        assertEquals(200, schema.status(), schema.toString());
        Response refused = api.post(entries, "{\"value\":{\"n\":\"still not\"}}");
        assertEquals(400, refused.status(), refused.toString());
        assertEquals("schema_violation", refused.json().path("error").asText());

        assertEquals(200, api.post("/api/batch", batch(change("delete", "after", c, null, null))).status());
        Response intoDeleted = api.post(entries, "{\"value\":{\"n\":1}}");
        assertEquals(404, intoDeleted.status(), intoDeleted.toString());
    }

    private static void assertViolation(Response r, int change, String path, String keyword) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("schema_violation", r.json().path("error").asText(), r.toString());
        assertEquals(change, r.json().path("change").asInt(-1), r.toString());
        assertTrue(r.json().path("message").asText().startsWith("change " + change + ": the value does not match the schema of collection "), r.toString());
        boolean found = false;
        for (JsonNode detail : r.json().path("details")) {
            found |= detail.path("path").asText().equals(path) && detail.path("keyword").asText().equals(keyword);
        }
        assertTrue(found, "a detail at \"" + path + "\" for " + keyword + ": " + r);
    }

    @Test
    void changesApplyInOrderAsToTheirCollection() {
        String doomed = CollectionApiTest.create(api, "order", "doomed");
        String kept = CollectionApiTest.create(api, "order", "kept");
        String before = snapshot("order");
        Response deleteThenWrite = api.post("/api/batch", batch(
                change("delete", "order", doomed, null, null),
                change("create", "order", doomed, null, "\"body\":{\"name\":\"late\"}")));
        assertEquals(404, deleteThenWrite.status(), deleteThenWrite.toString());
        assertEquals(1, deleteThenWrite.json().path("change").asInt());
        assertEquals(before, snapshot("order"), "nothing was written");

        Response writeThenDelete = api.post("/api/batch", batch(
                change("create", "order", doomed, null, "\"body\":{\"name\":\"early\"}"),
                change("create", "order", doomed, null, "\"body\":{\"name\":\"early too\"}"),
                change("delete", "order", doomed, null, null),
                change("put", "order", kept, null, "\"body\":{\"name\":\"kept and renamed\"}"),
                change("create", "order", kept, null, "\"body\":{\"name\":\"inside\"}")));
        assertEquals(200, writeThenDelete.status(), writeThenDelete.toString());
        assertEquals(2, api.get("/api/user/order/collection/" + doomed + "/entry?filter=current").json().size());
        assertEquals(404, api.get("/api/user/order/collection/" + doomed).status());

        // a deleted collection: its restore first, then entries go in
        Response restoreThenWrite = api.post("/api/batch", batch(
                change("restore", "order", doomed, null, null),
                change("create", "order", doomed, null, "\"body\":{\"name\":\"after\"}")));
        assertEquals(200, restoreThenWrite.status(), restoreThenWrite.toString());
        assertEquals(3, api.get("/api/user/order/collection/" + doomed + "/entry").json().size());

        Response intoDeleted = api.post("/api/batch", batch(
                change("delete", "order", kept, null, null)));
        assertEquals(200, intoDeleted.status());
        Response refused = api.post("/api/batch", batch(
                change("create", "order", doomed, null, "\"body\":{\"name\":\"ok\"}"),
                change("put", "order", kept, "x", "\"body\":{\"name\":\"x\"}")));
        assertEquals(404, refused.status(), refused.toString());
        assertEquals(1, refused.json().path("change").asInt());
        assertEquals(0, api.get("/api/user/order/collection/" + doomed + "/entry?name=ok").json().size());
    }

    @Test
    void restoreTakesAVersionAndDefaultsToTheLatestContent() {
        String c = CollectionApiTest.create(api, "restorer", "c");
        String entries = "/api/user/restorer/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\",\"value\":1}");
        api.put(entries + "/" + a, "{\"value\":2}");
        Response r = api.post("/api/batch", batch(change("restore", "restorer", c, a, "\"version\":1,\"ifMatch\":2")));
        assertEquals(200, r.status(), r.toString());
        JsonNode restored = r.json().path("results").get(0).path("item");
        assertEquals(3, restored.path("meta").path("version").asInt());
        assertEquals(1, restored.path("value").asInt());
        Response missing = api.post("/api/batch", batch(change("restore", "restorer", c, a, "\"version\":9")));
        assertEquals(404, missing.status(), missing.toString());
        assertEquals(0, missing.json().path("change").asInt());
    }

    @Test
    void badInputIs400AndWritesNothing() {
        String c = CollectionApiTest.create(api, "bad", "c");
        String entries = "/api/user/bad/collection/" + c + "/entry";
        String a = EntryApiTest.createEntry(api, entries, "{\"name\":\"a\"}");
        EntryApiTest.createEntry(api, entries, "{\"name\":\"alpha\"}");
        String before = snapshot("bad");
        Counters counted = Counters.read();
        String ok = change("put", "bad", c, a, "\"body\":{\"value\":1}");

        Map<String, Integer> bodies = new java.util.LinkedHashMap<>(); // body -> index of the change named, or -1
        bodies.put("[]", -1);
        bodies.put("\"changes\"", -1);
        bodies.put("{}", -1);
        bodies.put("{\"changes\":[]}", -1);
        bodies.put("{\"changes\":{}}", -1);
        bodies.put("{\"changes\":[" + ok + "],\"atomic\":true}", -1);
        bodies.put("{\"changes\":[" + ok + "],\"changes\":[" + ok + "]}", -1);
        bodies.put("{\"changes\":[" + ok + "]} trailing", -1);
        bodies.put(batch(ok, "7"), 1);
        bodies.put(batch(ok, "{\"op\":\"patch\",\"user\":\"bad\",\"collection\":\"" + c + "\"}"), 1);
        bodies.put(batch(ok, "{\"user\":\"bad\",\"collection\":\"" + c + "\"}"), 1);
        bodies.put(batch(ok, "{\"op\":\"delete\",\"collection\":\"" + c + "\"}"), 1);
        bodies.put(batch(ok, "{\"op\":\"delete\",\"user\":\"bad\"}"), 1);
        bodies.put(batch(ok, change("delete", "bad user", c, null, null)), 1);
        bodies.put(batch(ok, change("delete", "bad", "c/../x", null, null)), 1);
        bodies.put(batch(ok, change("delete", "bad", c, "", null)), 1);
        bodies.put(batch(ok, "{\"op\":5,\"user\":\"bad\",\"collection\":\"" + c + "\"}"), 1);
        bodies.put(batch(ok, change("create", "bad", c, null, "\"body\":\"milk\"")), 1);
        bodies.put(batch(ok, change("create", "bad", c, null, "\"body\":{\"name\":5}")), 1);
        bodies.put(batch(ok, change("create", "bad", c, null, "\"body\":{\"name\":\"\"}")), 1);
        bodies.put(batch(ok, change("create", "bad", c, null, "\"body\":{}")), 1);
        bodies.put(batch(ok, change("create", "bad", null, null, "\"body\":{\"value\":1}")), 1);
        bodies.put(batch(ok, change("create", "bad", c, null, null)), 1);
        bodies.put(batch(ok, change("create", "bad", c, "id", "\"body\":{\"name\":\"x\"}")), 1);
        bodies.put(batch(ok, change("create", "bad", c, null, "\"body\":{\"name\":\"x\"},\"ifMatch\":1")), 1);
        bodies.put(batch(ok, change("put", "bad", c, a, null)), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{}")), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{\"name\":\"b\"},\"ifMatch\":\"3\"")), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{\"name\":\"b\"},\"ifMatch\":0")), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{\"name\":\"b\"},\"ifMatch\":1,\"ifNoneMatch\":\"*\"")), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{\"name\":\"b\"},\"ifmatch\":1")), 1);
        bodies.put(batch(ok, change("delete", "bad", c, "b", "\"body\":{\"name\":\"b\"}")), 1);
        bodies.put(batch(ok, change("delete", "bad", c, "b", "\"version\":1")), 1);
        bodies.put(batch(ok, change("restore", "bad", c, "b", "\"version\":\"1\"")), 1);
        bodies.put(batch(ok, change("restore", "bad", c, "b", "\"ifNoneMatch\":\"*\"")), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{\"name\":\"b\",\"name\":\"c\"}")), 1);
        bodies.put(batch(ok, change("put", "bad", c, "b", "\"body\":{\"name\":\"b\\ud800\"}")), 1);
        // what one transaction cannot do
        bodies.put(batch(ok, change("delete", "bad", c, a, null)), 1);
        bodies.put(batch(change("create", "bad", "fresh", null, "\"body\":{\"name\":\"x\"}"), change("put", "bad", "fresh", null, "\"body\":{\"name\":\"y\"}")), 0);
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            tooMany.add(change("create", "bad", c, null, "\"body\":{\"value\":" + i + "}"));
        }
        bodies.put(batch(tooMany.toArray(String[]::new)), -1);

        for (Map.Entry<String, Integer> body : bodies.entrySet()) {
            Response r = api.post("/api/batch", body.getKey());
            assertEquals(400, r.status(), body.getKey() + " -> " + r);
            assertEquals("bad_request", r.json().path("error").asText());
            if (body.getValue() >= 0) {
                assertEquals(body.getValue().intValue(), r.json().path("change").asInt(-1), body.getKey() + " -> " + r);
                assertTrue(r.json().path("message").asText().startsWith("change " + body.getValue() + ": "), r.toString());
            } else {
                assertFalse(r.json().has("change"), body.getKey() + " -> " + r);
            }
        }
        assertTrue(api.post("/api/batch", batch(tooMany.toArray(String[]::new))).json().path("message").asText().contains("at most 25"));
        assertEquals(415, api.with("Content-Type", "text/plain").post("/api/batch", batch(ok)).status());
        assertEquals(before, snapshot("bad"), "nothing was written");
        assertEquals(0, Counters.read().minus(counted).transactionsOk());
        assertEquals(404, api.get("/api/user/bad/collection/fresh").status());
    }

    @Test
    void aReadOnlyKeyIs403AndAMissingKey401() {
        String body = batch(change("create", "ro", null, null, "\"body\":{\"name\":\"x\"}"));
        Response r = server.http().with("x-api-key", TestServer.KEY_A_READ).post("/api/batch", body);
        assertEquals(403, r.status(), r.toString());
        assertEquals("forbidden", r.json().path("error").asText());
        assertEquals(401, server.http().post("/api/batch", body).status());
        assertEquals(0, api.get("/api/user/ro/collection").json().size());
    }

    @Test
    void anotherApplicationsBatchTouchesOnlyItsOwnData() {
        Response r = server.appB().post("/api/batch", batch(change("create", "shared", null, null, "\"body\":{\"name\":\"b's\"}")));
        assertEquals(201, r.json().path("results").get(0).path("status").asInt(), r.toString());
        assertEquals("app-b", r.json().path("results").get(0).path("item").path("meta").path("application").asText());
        assertEquals(0, api.get("/api/user/shared/collection").json().size());
    }

    // ---- concurrency --------------------------------------------------------------------------

    /**
     * Batches of three PUTs and single PUTs race on the same three entries: every acknowledged
     * change is a version holding its body, versions stay gapless, and a refused batch (if its
     * retries ran out) left nothing.
     */
    @Test
    void concurrentBatchesAndSingleWritersLoseNoVersion() throws Exception {
        String c = CollectionApiTest.create(api, "racing", "hot");
        String entries = "/api/user/racing/collection/" + c + "/entry";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(EntryApiTest.createEntry(api, entries, "{\"name\":\"e" + i + "\",\"value\":{\"by\":\"setup\"}}"));
        }
        int batchers = 4;
        int singles = 4;
        int rounds = 6;
        List<Callable<List<Response>>> writers = new ArrayList<>();
        for (int t = 0; t < batchers; t++) {
            int writer = t;
            writers.add(() -> {
                List<Response> answers = new ArrayList<>();
                for (int k = 0; k < rounds; k++) {
                    String by = "\"body\":{\"value\":{\"by\":\"batch-" + writer + "-" + k + "\"}}";
                    answers.add(api.post("/api/batch", batch(
                            change("put", "racing", c, ids.get(0), by),
                            change("put", "racing", c, ids.get(1), by),
                            change("put", "racing", c, ids.get(2), by))));
                }
                return answers;
            });
        }
        for (int t = 0; t < singles; t++) {
            int writer = t;
            writers.add(() -> {
                List<Response> answers = new ArrayList<>();
                for (int k = 0; k < rounds; k++) {
                    String id = ids.get((writer + k) % 3);
                    answers.add(api.put(entries + "/" + id, "{\"value\":{\"by\":\"single-" + writer + "-" + k + "\"}}"));
                }
                return answers;
            });
        }
        Counters before = Counters.read();
        List<List<Response>> answered = Concurrently.together(writers);
        Counters spent = Counters.read().minus(before);

        // entry id -> (version -> the body it acknowledged)
        Map<String, Map<Integer, JsonNode>> acknowledged = new HashMap<>();
        ids.forEach(id -> acknowledged.put(id, new HashMap<>()));
        int refusedBatches = 0;
        for (List<Response> answers : answered) {
            for (Response r : answers) {
                if (r.status() == 409 && r.json().path("error").asText().equals("contention")) {
                    refusedBatches++;
                    continue;
                }
                assertEquals(200, r.status(), r.toString());
                List<JsonNode> items = new ArrayList<>();
                if (r.json().has("results")) {
                    r.json().path("results").forEach(result -> items.add(result.path("item")));
                    Set<String> instants = new HashSet<>();
                    items.forEach(item -> instants.add(item.path("meta").path("updatedAt").asText()));
                    assertEquals(1, instants.size(), "one batch, one instant: " + r);
                } else {
                    items.add(r.json());
                }
                for (JsonNode item : items) {
                    JsonNode previous = acknowledged.get(item.path("meta").path("entry").asText())
                            .put(item.path("meta").path("version").asInt(), item.path("value"));
                    assertEquals(null, previous, "two writers were answered the same version: " + item);
                }
            }
        }
        int changes = 0;
        for (String id : ids) {
            JsonNode history = api.get(entries + "/" + id + "/versions").json();
            Map<Integer, JsonNode> mine = acknowledged.get(id);
            assertEquals(mine.size() + 1, history.size(), "one version per acknowledged change, none from a refused batch");
            for (int v = 1; v <= history.size(); v++) {
                JsonNode version = history.get(v - 1);
                assertEquals(v, version.path("meta").path("version").asInt(), "gapless");
                if (v > 1) {
                    assertEquals(mine.get(v), version.path("value"), "version " + v + " holds the body acknowledged with it");
                }
            }
            changes += mine.size();
        }
        assertEquals((batchers * rounds - refusedBatches) * 3 + singles * rounds, changes);
        System.out.printf("%d batches and %d single PUTs raced: %d batches refused for contention; %s%n",
                batchers * rounds, singles * rounds, refusedBatches, spent);
    }

    /** Batches racing with the same If-Match: one applies; every other is 412 naming that change, and wrote nothing. */
    @Test
    void withIfMatchOneRacingBatchWinsAndTheOthersWriteNothing() throws Exception {
        String c = CollectionApiTest.create(api, "matching", "m");
        String entries = "/api/user/matching/collection/" + c + "/entry";
        String target = EntryApiTest.createEntry(api, entries, "{\"value\":{\"n\":0}}");
        List<Callable<Response>> racers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i + 1;
            racers.add(() -> api.post("/api/batch", batch(
                    change("create", "matching", c, null, "\"body\":{\"value\":{\"racer\":" + n + "}}"),
                    change("put", "matching", c, target, "\"body\":{\"value\":{\"n\":" + n + "}},\"ifMatch\":1"))));
        }
        List<Response> answers = Concurrently.together(racers);
        int won = 0;
        for (Response r : answers) {
            if (r.status() == 200) {
                won++;
                continue;
            }
            assertEquals(412, r.status(), r.toString());
            assertEquals(1, r.json().path("change").asInt(), r.toString());
            assertEquals(2, r.json().path("item").path("meta").path("version").asInt(), r.toString());
        }
        assertEquals(1, won);
        assertEquals(2, api.get(entries + "/" + target + "/versions").json().size());
        assertEquals(3, api.get(entries + "?filter=all").json().size(), "the target's 2 versions and the winner's create, no loser's");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A change object; {@code extra} is more fields (without braces), or null. */
    static String change(String op, String user, String collection, String entry, String extra) {
        StringBuilder out = new StringBuilder("{\"op\":\"").append(op).append("\",\"user\":\"").append(user).append('"');
        if (collection != null) {
            out.append(",\"collection\":\"").append(collection).append('"');
        }
        if (entry != null) {
            out.append(",\"entry\":\"").append(entry).append('"');
        }
        if (extra != null) {
            out.append(',').append(extra);
        }
        return out.append('}').toString();
    }

    /** The DynamoDB usage the server recorded for the request that answered {@code r}. */
    private static dev.dynamini.metrics.DynamoUsage usageOf(Response r) {
        String id = r.header("X-Request-Id");
        long deadline = System.currentTimeMillis() + 2000;
        while (System.currentTimeMillis() < deadline) {
            for (RequestRecord record : server.requests()) {
                if (record.requestId().equals(id)) {
                    return record.dynamo();
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no record of request " + id);
    }

    static String batch(String... changes) {
        return "{\"changes\":[" + String.join(",", changes) + "]}";
    }

    /** Everything stored of a user: every version of their collections and of the entries of each. */
    private static String snapshot(String user) {
        StringBuilder all = new StringBuilder();
        JsonNode collections = api.get("/api/user/" + user + "/collection?filter=all").json();
        all.append(collections);
        Set<String> ids = new HashSet<>();
        collections.forEach(v -> ids.add(v.path("meta").path("collection").asText()));
        ids.stream().sorted().forEach(id -> all.append(api.get("/api/user/" + user + "/collection/" + id + "/entry?filter=all").json()));
        return all.toString();
    }

    /** TransactWriteItems made so far, from the server's metrics. */
    private record Counters(double transactionsOk, double transactionsTried) {
        static Counters read() {
            double ok = 0;
            double tried = 0;
            for (String line : server.server().metrics().scrape().split("\n")) {
                if (line.startsWith("dynamini_dynamodb_requests_total") && line.contains("operation=\"TransactWriteItems\"")) {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    tried += value;
                    ok += line.contains("outcome=\"ok\"") ? value : 0;
                }
            }
            return new Counters(ok, tried);
        }

        Counters minus(Counters o) {
            return new Counters(transactionsOk - o.transactionsOk, transactionsTried - o.transactionsTried);
        }

        @Override
        public String toString() {
            return transactionsTried + " TransactWriteItems tried, " + transactionsOk + " committed";
        }
    }
}
