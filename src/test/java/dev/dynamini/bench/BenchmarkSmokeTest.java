package dev.dynamini.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.testing.SharedDynamoLocal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tiny run of the benchmark (docs/performance.md) on the shared in-memory DynamoDB Local, so that
 * the benchmark cannot rot. It checks what DynamoDB was asked and what it charged, per operation,
 * never how long anything took: request counts and capacity units are the budgets of issue 5.
 */
class BenchmarkSmokeTest {
    private static Benchmark.Results results;
    private static final List<Integer> LEVELS = List.of(1, 2);

    @BeforeAll
    static void runTinyBenchmark() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {
                "--entries 5 --depth 3 --value-bytes 512 --versions-limit 2 --ops 6 --warmup-ops 1 --global-warmup 0"
                        + " --concurrency 1,2 --seed-concurrency 2 --storage memory --startup-runs 0 --out target/bench-smoke"});
        // the collection an entry read consults is remembered for COLLECTION_CACHE_MS: long enough
        // here that no read of the run happens to renew it, so that every count is exact
        results = Benchmark.run(options, SharedDynamoLocal.client(), SharedDynamoLocal.client(), dev.dynamini.dynamo.CommitBarrier.NONE,
                false, "shared in-memory DynamoDB Local (test)", "smoke" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
                java.util.Map.of("COLLECTION_CACHE_MS", "60000"));
        ReportWriter.write(results);
    }

    private static DynamoStats dynamo(String op, int concurrency) {
        return results.row(op, concurrency).dynamo();
    }

    @Test
    void everyOperationAnsweredSuccessfullyAndWasAccountedFor() {
        for (Benchmark.Row row : results.rows().values()) {
            assertEquals(0, row.phase().errors(), row.phase().id() + " had errors: " + row.phase().firstError());
            assertTrue(row.phase().count() > 0, row.phase().id() + " measured nothing");
            assertEquals(0, row.dynamo().countMismatches(), row.phase().id() + ": server's DynamoDB count differs from the calls made");
            if (row.kind().equals("http")) {
                assertEquals(row.phase().count(), row.dynamo().operations(), row.phase().id() + ": every measured request is reported by the server");
            }
        }
    }

    @Test
    void readsMakeOneDynamoDbRequestExceptListingsWhichAlsoCheckTheCollection() {
        for (int c : LEVELS) {
            assertEquals(1, dynamo("getEntry", c).maxRequests(), "getEntry c=" + c + ": " + dynamo("getEntry", c).signatures());
            assertEquals(1.0, dynamo("getEntry", c).requestsPerOp(), 1e-9, "getEntry");
            // the head (the edge of committed history), then the versions up to it
            for (String op : List.of("getEntryAll", "versionsPage")) {
                assertEquals(2, dynamo(op, c).maxRequests(), op + " c=" + c + ": " + dynamo(op, c).signatures());
                assertEquals("GetItem + Query", dynamo(op, c).signature(), op);
            }
            // the heads query, and a read of the collection's head when this instance does not remember it as live
            for (String op : List.of("listLatest", "listLatestDeep", "listAsOf", "listAsOfDeep")) {
                assertTrue(dynamo(op, c).maxRequests() <= 2, op + " c=" + c + ": " + dynamo(op, c).signatures());
            }
            assertEquals("GetItem", dynamo("getEntry", c).signature());
            assertEquals("GetItem", dynamo("getEntryCurrent", c).signature());
            assertEquals(1.0, dynamo("getEntryCurrent", c).readUnitsPerOp(), 1e-9, "filter=current: one strong GetItem");
            assertEquals(0, results.row("health", c).dynamo().maxRequests(), "GET /health touches no DynamoDB");
        }
    }

    @Test
    void readCapacityStaysWithinBudget() {
        for (int c : LEVELS) {
            // the entry's head alone, strongly consistent, small: 1 RCU (docs/storage.md)
            assertEquals(1.0, dynamo("getEntry", c).readUnitsPerOp(), 1e-9, "GET one entry RCU");
            assertBetween(dynamo("getEntryAll", c).readUnitsPerOp(), 1.5, 2.0, "filter=all of a 3-version entry RCU");
            assertBetween(dynamo("versionsPage", c).readUnitsPerOp(), 1.5, 2.0, "versions page RCU");
            assertBetween(dynamo("listLatest", c).readUnitsPerOp(), 0.5, 2.0, "list of 5 small entries RCU");
            // listing the latest reads only the heads: history depth costs nothing
            double ratio = dynamo("listLatestDeep", c).readUnitsPerOp() / dynamo("listLatest", c).readUnitsPerOp();
            assertTrue(ratio <= 1.05, "list latest RCU depth 3 / depth 1 = " + ratio);
            // as of an instant after which nothing changed: the same, whatever the depth
            double asOfRatio = dynamo("listAsOfDeep", c).readUnitsPerOp() / dynamo("listAsOf", c).readUnitsPerOp();
            assertTrue(asOfRatio <= 1.05, "asOf listing RCU depth 3 / depth 1 = " + asOfRatio);
        }
    }

    /**
     * One write each. Reads: the item's head for a change, and for an entry write (not a delete)
     * also the collection's head, whose JSON Schema the value must match (issue 11).
     */
    @Test
    void changesMakeAtMostOneReadAndThreeSingleItemWrites() {
        for (int c : LEVELS) {
            for (String op : List.of("postEntry", "putEntry", "putEntryIfMatch", "deleteEntry", "createCollection")) {
                DynamoStats s = dynamo(op, c);
                // the head, and the collection's head when the instance's memory of it ran out (once per COLLECTION_CACHE_MS)
                assertTrue(s.maxReadRequests() <= 2, op + " c=" + c + " reads: " + s.signatures());
                assertTrue(s.maxWriteRequests() <= 3, op + " c=" + c + " writes: " + s.signatures());
                assertTrue(s.writeUnitsPerOp() > 0, op + ": DynamoDB reported write capacity");
            }
            // the version and the head; named creates also claim the name
            assertEquals(2, dynamo("putEntry", c).maxWriteRequests(), dynamo("putEntry", c).signatures().toString());
            assertEquals(2, dynamo("deleteEntry", c).maxWriteRequests(), dynamo("deleteEntry", c).signatures().toString());
            assertEquals(3, dynamo("postEntry", c).maxWriteRequests(), dynamo("postEntry", c).signatures().toString());
            assertTrue(dynamo("postEntry", c).maxReadRequests() <= 1, "POST entry reads nothing first, but its collection once per COLLECTION_CACHE_MS");
            assertEquals(0, dynamo("createCollection", c).maxReadRequests(), "create collection reads nothing first");
        }
    }

    @Test
    void writeCapacityStaysWithinBudget() {
        for (int c : LEVELS) {
            // single-item writes of items under 1 KB: DynamoDB Local reports what DynamoDB bills
            assertBetween(dynamo("postEntry", c).writeUnitsPerOp(), 1, 3, "POST entry (named) WCU");
            assertBetween(dynamo("putEntry", c).writeUnitsPerOp(), 1, 2, "PUT entry (value) WCU");
            assertBetween(dynamo("putEntryIfMatch", c).writeUnitsPerOp(), 1, 2, "PUT entry with If-Match WCU");
            assertBetween(dynamo("deleteEntry", c).writeUnitsPerOp(), 1, 3, "DELETE entry WCU");
            assertBetween(dynamo("createCollection", c).writeUnitsPerOp(), 1, 5, "create collection WCU (its index included)");
            // one strongly consistent head read, plus the collection's head once per COLLECTION_CACHE_MS
            for (String op : List.of("putEntry", "putEntryIfMatch", "deleteEntry")) {
                assertBetween(dynamo(op, c).readUnitsPerOp(), 0.5, 1.5, op + " RCU");
            }
            assertBetween(dynamo("postEntry", c).readUnitsPerOp(), 0.0, 0.5, "POST entry RCU");
        }
    }

    @Test
    void rawFloorsAreMeasuredWithDynamoDbsOwnCapacity() {
        for (int c : LEVELS) {
            assertEquals(1.0, results.row("rawGetItem", c).dynamo().readUnitsPerOp(), 1e-9, "strong GetItem of a small item");
            assertEquals(2.0, results.row("rawBatchGet2", c).dynamo().readUnitsPerOp(), 1e-9, "two small items");
            assertTrue(results.row("rawTxUpdate", c).dynamo().writeUnitsPerOp() > 0);
        }
    }

    @Test
    void writeUnitsFollowDynamoDbsBillingRules() {
        for (int c : LEVELS) {
            // a single-item write: DynamoDB Local's figure is the billed one (1 WCU per KB)
            DynamoStats put = results.row("rawPutItem", c).dynamo();
            assertEquals(1.0, put.billedWriteUnitsPerOp(), 1e-9, "PutItem of an item under 1 KB");
            assertEquals(put.writeUnitsPerOp(), put.billedWriteUnitsPerOp(), 1e-9, "reported as billed");
            assertEquals(0, put.estimatedOps());
            // transactions: 2 WCU per action of an item under 1 KB, estimated from the request
            assertEquals(6.0, results.row("rawTxUpdate", c).dynamo().billedWriteUnitsPerOp(), 1e-9, "head + version + check");
            assertEquals(8.0, results.row("rawTxCreateEntry", c).dynamo().billedWriteUnitsPerOp(), 1e-9, "head + version + name + check");
            assertEquals(10.0, results.row("rawTxRename", c).dynamo().billedWriteUnitsPerOp(), 1e-9, "head + version + 2 names + check");
            assertTrue(results.row("rawTxUpdate", c).dynamo().estimatedOps() > 0);
            // whatever calls a change makes, the billing rules never charge less than DynamoDB Local reports
            for (String op : List.of("postEntry", "putEntry", "putEntryIfMatch", "renameEntry", "deleteEntry", "createCollection")) {
                DynamoStats s = dynamo(op, c);
                assertTrue(s.billedWriteUnitsPerOp() + 1e-9 >= s.writeUnitsPerOp(),
                        op + ": billed " + s.billedWriteUnitsPerOp() + " < reported " + s.writeUnitsPerOp() + " " + s.capacitySignatures());
                assertTrue(s.billedWriteUnitsPerOp() > 0, op + " " + s.capacitySignatures());
            }
        }
    }

    /**
     * The change feed (issue 10): a page is one Query of the byChange index and one BatchGetItem of
     * each change's version and head (1 RCU each, strongly consistent); a poll with nothing new is
     * the Query alone; a PUT in the feed application writes one unit more (the index) than the same
     * PUT in another application, with the same calls.
     */
    @Test
    void theChangeFeedReadsTheIndexThenTheVersionsAndCostsOneWriteUnitMore() {
        for (int c : LEVELS) {
            DynamoStats page = dynamo("feedPage", c);
            assertEquals("Query + BatchGetItem", page.signature(), "feed page c=" + c + ": " + page.signatures());
            assertEquals(2, page.maxRequests(), "feed page c=" + c + ": " + page.signatures());
            // 5 changes: 5 versions and 5 heads of small items, strongly consistent, and the keys-only Query
            assertBetween(page.readUnitsPerOp(), 10.0, 11.0, "feed page of 5 changes RCU");
            DynamoStats poll = dynamo("feedPoll", c);
            assertEquals("Query", poll.signature(), "feed poll c=" + c + ": " + poll.signatures());
            assertEquals(1, poll.maxRequests(), "feed poll c=" + c);
            assertTrue(poll.readUnitsPerOp() <= 0.5, "feed poll RCU " + poll.readUnitsPerOp());
            DynamoStats feedPut = dynamo("putEntryFeed", c);
            DynamoStats put = dynamo("putEntry", c);
            assertEquals(put.signature(), feedPut.signature(), "the same calls with and without the feed");
            assertEquals(put.writeUnitsPerOp() + 1.0, feedPut.writeUnitsPerOp(), 1e-9,
                    "feed PUT WCU " + feedPut.capacitySignatures() + " vs PUT " + put.capacitySignatures());
            assertEquals(put.billedWriteUnitsPerOp() + 1.0, feedPut.billedWriteUnitsPerOp(), 1e-9, "billed the same way");
            // the raw yardsticks: a version item in the index is 2 WCU, without it 1
            assertEquals(2.0, results.row("rawPutItemFeed", c).dynamo().writeUnitsPerOp(), 1e-9, "PutItem with its index write");
            assertEquals(0.5, results.row("rawFeedQuery", c).dynamo().readUnitsPerOp(), 1e-9, "keys-only Query of 5 keys");
            assertEquals(10.0, results.row("rawFeedBatchGet", c).dynamo().readUnitsPerOp(), 1e-9, "10 small items, strongly consistent");
        }
    }

    /**
     * asOf in the middle of history (after version 1 of 3 of every deep entry): each deep entry is
     * read back from its head with one more Query, so requests and read units grow with the entries
     * changed since; the shallow collection at the same instant reads heads only.
     */
    @Test
    void asOfInTheMiddleOfHistoryReadsTheVersionsWrittenSince() {
        int entries = results.options().entries();
        for (int c : LEVELS) {
            DynamoStats shallow = dynamo("listAsOfMid", c);
            DynamoStats deep = dynamo("listAsOfMidDeep", c);
            assertEquals(dynamo("listAsOf", c).maxRequests(), shallow.maxRequests(), "asOf mid, depth 1: " + shallow.signatures());
            assertEquals(shallow.requestsPerOp() + entries, deep.requestsPerOp(), 1e-9, "one Query per deep entry: " + deep.signatures());
            assertTrue(deep.readUnitsPerOp() > shallow.readUnitsPerOp(), "asOf mid RCU depth 3 " + deep.readUnitsPerOp()
                    + " vs depth 1 " + shallow.readUnitsPerOp());
            assertEquals(1.0, results.row("rawQueryVersionsSince", c).dynamo().readUnitsPerOp(), 1e-9, "3 small versions");
        }
    }

    /**
     * With the time index, an asOf listing costs the same whether each entry has 2 versions or
     * depth versions: per entry changed since the instant, one Query of the index and one
     * BatchGetItem, whatever came after it.
     */
    @Test
    void withTheTimeIndexAsOfCostsTheSameAtAnyDepth() {
        int entries = results.options().entries();
        for (int c : LEVELS) {
            DynamoStats two = dynamo("listAsOfMidIndexedTwo", c);
            DynamoStats deep = dynamo("listAsOfMidIndexedDeep", c);
            assertEquals(two.requestsPerOp(), deep.requestsPerOp(), 1e-9, two.signatures() + " vs " + deep.signatures());
            assertEquals(two.readUnitsPerOp(), deep.readUnitsPerOp(), 1e-9, "RCU at depth 2 and at depth " + results.options().depth());
            assertEquals(dynamo("listAsOf", c).requestsPerOp() + 2 * entries, deep.requestsPerOp(), 1e-9, String.valueOf(deep.signatures()));
        }
    }

    @Test
    void writesBothReports() throws Exception {
        Path out = Path.of("target/bench-smoke");
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("## Targets") && md.contains("## History depth") && md.contains("GET one entry"), md);
        assertTrue(md.contains("## Writes against today's transactions (issue 14)") && md.contains("rawTxCreateEntry"), md);
        assertTrue(md.contains("## Change feed and asOf (issue 10)") && md.contains("rawPutItemFeed"), md);
        JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(21 * LEVELS.size(), json.path("operations").size());
        assertTrue(json.path("writes").size() >= 5 * LEVELS.size(), json.path("writes").toString());
        assertTrue(json.path("targets").size() >= 8);
        assertEquals(LEVELS.size(), json.path("feedAndAsOf").size());
        for (JsonNode level : json.path("feedAndAsOf")) {
            assertEquals(1.5, level.path("feedPutVsPut").path("writeUnitsRatio").asDouble(), 1e-9, level.toString());
        }
        for (JsonNode op : json.path("operations")) {
            assertTrue(op.path("latencyMs").path("p50").asDouble() > 0, op.toString());
            assertTrue(op.path("floor").path("p50Ms").asDouble() > 0, op.toString());
        }
    }

    private static void assertBetween(double actual, double low, double high, String what) {
        assertTrue(actual >= low && actual <= high, what + ": " + actual + " not within [" + low + ", " + high + "]");
    }
}
