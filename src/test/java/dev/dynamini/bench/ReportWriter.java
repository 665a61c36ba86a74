package dev.dynamini.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** report.md (for people) and report.json (for tools and for comparing runs). */
final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    static String command(BenchOptions o) {
        return "mvn -B -q -Pbench test-compile exec:exec -Dbench.args=\"" + o.asFlags() + "\"";
    }

    static void write(Benchmark.Results r) throws Exception {
        Files.createDirectories(r.options().out());
        Files.writeString(r.options().out().resolve("report.json"), JSON.writeValueAsString(json(r)), StandardCharsets.UTF_8);
        Files.writeString(r.options().out().resolve("report.md"), markdown(r), StandardCharsets.UTF_8);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : Targets.f("%.3f", v);
    }

    private static String units(double v) {
        return Targets.f("%.2f", v);
    }

    // ---- JSON -----------------------------------------------------------------------------------

    static ObjectNode json(Benchmark.Results r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("generatedAt", r.started().toString());
        root.put("command", command(r.options()));
        root.put("storage", r.storage());
        root.put("storageMode", r.options().storage().name().toLowerCase());
        root.put("totalSeconds", round(r.totalSeconds()));
        ObjectNode machine = root.putObject("machine");
        r.machine().forEach(machine::put);
        ObjectNode opts = root.putObject("options");
        opts.put("entries", r.options().entries());
        opts.put("depth", r.options().depth());
        opts.put("valueBytes", r.options().valueBytes());
        opts.put("versionsLimit", r.options().versionsLimit());
        opts.put("durationSeconds", r.options().duration().toMillis() / 1000.0);
        opts.put("warmupSeconds", r.options().warmup().toMillis() / 1000.0);
        opts.put("opsPerWorker", r.options().opsPerWorker());
        opts.put("rounds", r.options().rounds());
        ArrayNode levels = opts.putArray("concurrency");
        r.options().concurrency().forEach(levels::add);
        ObjectNode seeding = root.putObject("seeding");
        seeding.put("requests", r.seedRequests());
        seeding.put("seconds", round(r.seedSeconds()));

        ArrayNode ops = root.putArray("operations");
        for (int c : r.options().concurrency()) {
            for (Benchmark.OpSpec op : r.ops()) {
                Benchmark.Row row = r.row(op.id(), c);
                ObjectNode n = rowJson(ops.addObject(), row);
                ObjectNode floor = n.putObject("floor");
                ArrayNode calls = floor.putArray("rawCalls");
                op.floorCalls().forEach(calls::add);
                double floorMs = Targets.floorMillis(r, op.floorCalls(), c);
                floor.put("p50Ms", round(floorMs));
                floor.put("ratioP50", round(row.phase().millisAt(50) / floorMs));
                floor.put("overheadP50Ms", round(row.phase().millisAt(50) - floorMs));
                double floorCpu = Targets.floorCpuMillis(r, op.floorCalls(), c);
                floor.put("cpuMsPerOp", round(floorCpu));
                floor.put("cpuOverheadMsPerOp", round(row.phase().cpuMillisPerOp() - floorCpu));
                double rr = 0;
                double rw = 0;
                for (String call : op.floorCalls()) {
                    rr += r.row(call, c).dynamo().readUnitsPerOp();
                    rw += r.row(call, c).dynamo().writeUnitsPerOp();
                }
                floor.put("rawReadUnits", round(rr));
                floor.put("rawWriteUnits", round(rw));
            }
        }
        ArrayNode floors = root.putArray("floors");
        for (int c : r.options().concurrency()) {
            rowJson(floors.addObject(), r.row("health", c));
            for (String raw : r.rawTitles().keySet()) {
                ObjectNode n = rowJson(floors.addObject(), r.row(raw, c));
                n.put("unsplitUnitsPerOp", round(r.row(raw, c).dynamo().unsplitUnitsPerOp()));
            }
        }
        ArrayNode depth = root.putArray("historyDepth");
        for (int c : r.options().concurrency()) {
            Benchmark.Row s = r.row("listLatest", c);
            Benchmark.Row d = r.row("listLatestDeep", c);
            ObjectNode n = depth.addObject();
            n.put("concurrency", c);
            n.put("readUnitsDepth1", round(s.dynamo().readUnitsPerOp()));
            n.put("readUnitsDepthN", round(d.dynamo().readUnitsPerOp()));
            n.put("readUnitsRatio", round(d.dynamo().readUnitsPerOp() / s.dynamo().readUnitsPerOp()));
            n.put("p50MsDepth1", round(s.phase().millisAt(50)));
            n.put("p50MsDepthN", round(d.phase().millisAt(50)));
            n.put("latencyRatioP50", round(d.phase().millisAt(50) / s.phase().millisAt(50)));
            n.put("rawQueryLatencyRatioP50", round(r.row("rawQueryHeadsDeep", c).phase().millisAt(50)
                    / r.row("rawQueryHeadsShallow", c).phase().millisAt(50)));
        }
        ArrayNode feed = root.putArray("feedAndAsOf");
        for (int c : r.options().concurrency()) {
            Benchmark.Row feedPut = r.row("putEntryFeed", c);
            Benchmark.Row put = r.row("putEntry", c);
            Benchmark.Row mid1 = r.row("listAsOfMid", c);
            Benchmark.Row midN = r.row("listAsOfMidDeep", c);
            ObjectNode n = feed.addObject();
            n.put("concurrency", c);
            ObjectNode puts = n.putObject("feedPutVsPut");
            puts.put("throughputRatio", round(feedPut.phase().throughput() / put.phase().throughput()));
            puts.put("p50Ratio", round(feedPut.phase().millisAt(50) / put.phase().millisAt(50)));
            puts.put("writeUnitsFeedPut", round(feedPut.dynamo().writeUnitsPerOp()));
            puts.put("writeUnitsPut", round(put.dynamo().writeUnitsPerOp()));
            puts.put("writeUnitsRatio", round(feedPut.dynamo().writeUnitsPerOp() / put.dynamo().writeUnitsPerOp()));
            ObjectNode asOf = n.putObject("asOfMidDepthNVsDepth1");
            asOf.put("depth", r.options().depth());
            asOf.put("readUnitsDepth1", round(mid1.dynamo().readUnitsPerOp()));
            asOf.put("readUnitsDepthN", round(midN.dynamo().readUnitsPerOp()));
            asOf.put("readUnitsRatio", round(midN.dynamo().readUnitsPerOp() / mid1.dynamo().readUnitsPerOp()));
            asOf.put("requestsDepth1", round(mid1.dynamo().requestsPerOp()));
            asOf.put("requestsDepthN", round(midN.dynamo().requestsPerOp()));
            asOf.put("p50Ratio", round(midN.phase().millisAt(50) / mid1.phase().millisAt(50)));
            asOf.put("throughputRatio", round(midN.phase().throughput() / mid1.phase().throughput()));
            Benchmark.Row two = r.row("listAsOfMidIndexedTwo", c);
            Benchmark.Row indexedN = r.row("listAsOfMidIndexedDeep", c);
            ObjectNode indexed = n.putObject("asOfMidIndexedDepthNVsDepth2");
            indexed.put("readUnitsDepth2", round(two.dynamo().readUnitsPerOp()));
            indexed.put("readUnitsDepthN", round(indexedN.dynamo().readUnitsPerOp()));
            indexed.put("requestsDepth2", round(two.dynamo().requestsPerOp()));
            indexed.put("requestsDepthN", round(indexedN.dynamo().requestsPerOp()));
            indexed.put("p50Ratio", round(indexedN.phase().millisAt(50) / two.phase().millisAt(50)));
            indexed.put("throughputRatio", round(indexedN.phase().throughput() / two.phase().throughput()));
        }
        ArrayNode writes = root.putArray("writes");
        for (int c : r.options().concurrency()) {
            for (Benchmark.OpSpec op : r.ops()) {
                String floorId = Targets.rawWriteFloor(op);
                if (!op.change() || floorId == null) {
                    continue;
                }
                Benchmark.Row row = r.row(op.id(), c);
                Benchmark.Row raw = r.row(floorId, c);
                ObjectNode n = writes.addObject();
                n.put("id", op.id());
                n.put("concurrency", c);
                n.put("throughput", round(row.phase().throughput()));
                n.put("rawTransaction", floorId);
                n.put("rawTransactionThroughput", round(raw.phase().throughput()));
                n.put("throughputRatio", round(row.phase().throughput() / raw.phase().throughput()));
                n.put("billedWriteUnitsPerOp", round(row.dynamo().billedWriteUnitsPerOp()));
                n.put("rawBilledWriteUnitsPerOp", round(raw.dynamo().billedWriteUnitsPerOp()));
            }
        }
        ArrayNode targets = root.putArray("targets");
        for (Targets.Target t : Targets.evaluate(r)) {
            ObjectNode n = targets.addObject();
            n.put("name", t.name());
            n.put("goal", t.goal());
            n.put("figure", t.figure());
            if (t.met() == null) {
                n.putNull("met");
            } else {
                n.put("met", t.met());
            }
        }
        if (r.startup() != null) {
            ObjectNode s = root.putObject("startup");
            s.put("method", r.startup().method());
            s.put("jarBuilt", r.startup().jarBuilt());
            s.put("jarOlderThanSources", r.startup().jarOlderThanSources());
            s.put("medianSeconds", round(r.startup().medianSeconds()));
            ArrayNode runs = s.putArray("runs");
            for (StartupProbe.Run run : r.startup().runs()) {
                runs.addObject().put("run", run.run()).put("freshData", run.freshData()).put("seconds", round(run.seconds()));
            }
        }
        HeapWatch.Figures h = r.heap();
        ObjectNode heap = root.putObject("heap");
        heap.put("maxHeapMiB", round(h.maxHeapBytes() / Targets.MIB));
        heap.put("peakUsedMiB", round(h.maxUsed() / Targets.MIB));
        heap.put("peakLiveAfterGcMiB", round(h.maxAfterGc() / Targets.MIB));
        heap.put("peakUsedAtMaxConcurrencyMiB", round(h.maxUsedUnderLoad() / Targets.MIB));
        heap.put("peakLiveAfterGcAtMaxConcurrencyMiB", round(h.maxAfterGcUnderLoad() / Targets.MIB));
        heap.put("collectors", h.collectors());
        return root;
    }

    private static ObjectNode rowJson(ObjectNode n, Benchmark.Row row) {
        Load.Phase p = row.phase();
        DynamoStats d = row.dynamo();
        n.put("id", row.id());
        n.put("title", row.title());
        n.put("kind", row.kind());
        n.put("concurrency", p.concurrency());
        n.put("count", p.count());
        n.put("errors", p.errors());
        n.put("seconds", round(p.seconds()));
        n.put("ranOutOfWork", p.ranOut());
        n.put("throughput", round(p.throughput()));
        ObjectNode lat = n.putObject("latencyMs");
        lat.put("p50", round(p.millisAt(50)));
        lat.put("p95", round(p.millisAt(95)));
        lat.put("p99", round(p.millisAt(99)));
        lat.put("mean", round(p.meanMillis()));
        n.put("cpuMsPerOp", round(p.cpuMillisPerOp()));
        if (p.externalCpuNanos() >= 0) {
            n.put("dynamoDbLocalCpuMsPerOp", round(p.externalCpuMillisPerOp()));
        }
        lat.put("max", round(p.latency().getTotalCount() == 0 ? Double.NaN : p.latency().getMaxValue() / 1e6));
        ObjectNode dyn = n.putObject("dynamodb");
        dyn.put("operationsSeen", d.operations());
        dyn.put("requestsPerOp", round(d.requestsPerOp()));
        dyn.put("readUnitsPerOp", round(d.readUnitsPerOp()));
        dyn.put("writeUnitsPerOp", round(d.writeUnitsPerOp()));
        ObjectNode billed = dyn.putObject("billed");
        billed.put("readUnitsPerOp", round(d.billedReadUnitsPerOp()));
        billed.put("writeUnitsPerOp", round(d.billedWriteUnitsPerOp()));
        billed.put("maxReadUnits", round(d.maxBilledReadUnits()));
        billed.put("maxWriteUnits", round(d.maxBilledWriteUnits()));
        billed.put("estimatedOps", d.estimatedOps());
        billed.put("understatedOps", d.understatedOps());
        ObjectNode perCall = billed.putObject("calls");
        d.capacitySignatures().forEach(perCall::put);
        dyn.put("maxReadRequests", d.maxReadRequests());
        dyn.put("maxWriteRequests", d.maxWriteRequests());
        dyn.put("countMismatches", d.countMismatches());
        ObjectNode calls = dyn.putObject("calls");
        d.signatures().forEach(calls::put);
        ObjectNode statuses = dyn.putObject("statuses");
        d.statuses().forEach((k, v) -> statuses.put(Integer.toString(k), v));
        return n;
    }

    private static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return -1;
        }
        return Math.round(v * 1000) / 1000.0;
    }

    // ---- Markdown -------------------------------------------------------------------------------

    static String markdown(Benchmark.Results r) {
        StringBuilder md = new StringBuilder();
        BenchOptions o = r.options();
        md.append("# dynamini benchmark report\n\n");
        md.append("- Generated: ").append(r.started()).append(Targets.f(" (run took %.0f s)", r.totalSeconds())).append('\n');
        md.append("- Command: `").append(command(o)).append("`\n");
        if (o.storage() == BenchOptions.Storage.ENDPOINT) {
            md.append("- Server: dynamini started in the benchmark JVM (`Dynamini.start`), configured with DYNAMODB_ENDPOINT: ")
                    .append(r.storage()).append(". Its CPU is not in the CPU columns but in \"Local CPU\"; its heap not in the heap figures\n");
        } else {
            md.append("- Server: dynamini started in the benchmark JVM (`Dynamini.start`), DynamoDB Local 3.3.1 in the same JVM: ")
                    .append(r.storage()).append('\n');
        }
        md.append("- Client: JDK HttpClient, HTTP/1.1 keep-alive, 127.0.0.1; closed loop (each worker sends its next request when the last answered); ")
                .append(o.timed() ? Targets.f("%.1f s warm-up then %.1f s measured per row, in %d interleaved slices (every row of a concurrency takes its turn, %d rounds)",
                        o.warmup().toMillis() / 1000.0, o.duration().toMillis() / 1000.0, o.rounds(), o.rounds())
                        : o.warmupOpsPerWorker() + " warm-up then " + o.opsPerWorker() + " measured operations per worker")
                .append("; latency from HdrHistogram (3 significant digits)\n");
        md.append("- Data: ").append(o.entries()).append(" entries x 1 version (shallow), ").append(o.entries()).append(" entries x ")
                .append(o.depth()).append(" versions (deep); values ~").append(o.valueBytes()).append(" bytes of JSON; seeded over HTTP with ")
                .append(r.seedRequests()).append(Targets.f(" requests in %.1f s", r.seedSeconds())).append('\n');
        md.append("- Machine: ");
        r.machine().forEach((k, v) -> md.append(k).append(": ").append(v.isBlank() ? "-" : v).append("; "));
        md.append("\n\n");

        md.append("## Targets\n\n| target | goal | figure | met |\n|---|---|---|---|\n");
        for (Targets.Target t : Targets.evaluate(r)) {
            md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.figure()).append(" | ")
                    .append(t.met() == null ? "not judged" : t.met() ? "**met**" : "**not met**").append(" |\n");
        }

        boolean external = o.storage() == BenchOptions.Storage.ENDPOINT;
        md.append("\n## Operations\n\n");
        md.append("DynamoDB figures are what DynamoDB answered (ConsumedCapacity), as the server accounted them per HTTP request "
                + "(`RequestRecord.dynamo()`); the calls are what the server sent, seen by a pass-through client. "
                + "Floor = p50 of GET /health + p50 of each raw SDK call the operation makes, at the same concurrency. "
                + "CPU ms/op is the CPU time of the whole benchmark JVM (server, " + (external ? "" : "DynamoDB Local, ") + "load generator, both cores) per operation while "
                + "measured, which a busy machine disturbs less than latency; CPU - floor CPU is what dynamini adds over GET /health and the raw calls. "
                + "Billed WCU/op: write units by DynamoDB's billing rules (single-item calls as reported; a TransactWriteItems, "
                + "which DynamoDB Local under-reports, estimated from its items: 2 per KB per action)."
                + (external ? " Local CPU ms/op: the CPU time of the DynamoDB Local process (its own JVM) per operation, at 10 ms resolution." : "")
                + "\n\n");
        for (int c : o.concurrency()) {
            md.append("### Concurrency ").append(c).append("\n\n");
            md.append("| operation | ops/s | p50 ms | p95 ms | p99 ms | DynamoDB req/op | RCU/op | WCU/op | billed WCU/op | DynamoDB calls | floor p50 ms | p50 / floor | p50 - floor ms | CPU ms/op | CPU - floor CPU ms/op | ")
                    .append(external ? "Local CPU ms/op | " : "").append("errors |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|").append(external ? "---:|" : "").append("---:|\n");
            for (Benchmark.OpSpec op : r.ops()) {
                Benchmark.Row row = r.row(op.id(), c);
                Load.Phase p = row.phase();
                DynamoStats d = row.dynamo();
                double floor = Targets.floorMillis(r, op.floorCalls(), c);
                md.append("| ").append(op.title()).append(" | ").append(Targets.f("%.0f", p.throughput()))
                        .append(" | ").append(ms(p.millisAt(50))).append(" | ").append(ms(p.millisAt(95))).append(" | ").append(ms(p.millisAt(99)))
                        .append(" | ").append(units(d.requestsPerOp())).append(" | ").append(units(d.readUnitsPerOp()))
                        .append(" | ").append(units(d.writeUnitsPerOp())).append(" | ").append(billedWrite(d)).append(" | ").append(compact(d.signature()))
                        .append(" | ").append(ms(floor)).append(" | ").append(Targets.f("%.2f", p.millisAt(50) / floor))
                        .append(" | ").append(ms(p.millisAt(50) - floor))
                        .append(" | ").append(ms(p.cpuMillisPerOp()))
                        .append(" | ").append(ms(p.cpuMillisPerOp() - Targets.floorCpuMillis(r, op.floorCalls(), c)))
                        .append(external ? " | " + ms(p.externalCpuMillisPerOp()) : "")
                        .append(" | ").append(p.errors()).append(p.ranOut() ? " (ran out of entries)" : "").append(" |\n");
            }
            md.append('\n');
        }

        writes(md, r, external);

        md.append("## Floors\n\nRaw calls use the benchmark's own SDK calls on the same DynamoDB Local"
                + (external ? " (over HTTP, with a client of their own built like the server's)" : " (in-process)") + ", with "
                + "ReturnConsumedCapacity INDEXES (reads on the server's tables and items, writes on raw tables of the same shape). "
                + "Billed WCU: by DynamoDB's billing rules (~: a transaction, estimated from its items).\n\n");
        for (int c : o.concurrency()) {
            md.append("### Concurrency ").append(c).append("\n\n");
            md.append("| floor | ops/s | p50 ms | p95 ms | p99 ms | CPU ms/call | ").append(external ? "Local CPU ms/call | " : "")
                    .append("RCU/call | WCU/call | billed WCU/call |\n|---|---:|---:|---:|---:|---:|").append(external ? "---:|" : "")
                    .append("---:|---:|---:|\n");
            Benchmark.Row health = r.row("health", c);
            md.append(floorLine(health, external));
            for (String raw : r.rawTitles().keySet()) {
                md.append(floorLine(r.row(raw, c), external));
            }
            md.append('\n');
        }

        md.append("## History depth\n\nListing the latest of ").append(o.entries()).append(" entries with 1 version each against ")
                .append(o.entries()).append(" entries with ").append(o.depth()).append(" versions each. The last column is the same ratio for the raw "
                        + "Query of the heads alone: what DynamoDB Local itself does with a deeper partition.\n\n");
        md.append("| concurrency | RCU depth 1 | RCU depth ").append(o.depth()).append(" | RCU ratio | p50 ms depth 1 | p50 ms depth ")
                .append(o.depth()).append(" | latency ratio | raw Query latency ratio |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int c : o.concurrency()) {
            Benchmark.Row s = r.row("listLatest", c);
            Benchmark.Row d = r.row("listLatestDeep", c);
            md.append("| ").append(c).append(" | ").append(units(s.dynamo().readUnitsPerOp())).append(" | ")
                    .append(units(d.dynamo().readUnitsPerOp())).append(" | ")
                    .append(Targets.f("%.3f", d.dynamo().readUnitsPerOp() / s.dynamo().readUnitsPerOp())).append(" | ")
                    .append(ms(s.phase().millisAt(50))).append(" | ").append(ms(d.phase().millisAt(50))).append(" | ")
                    .append(Targets.f("%.2f", d.phase().millisAt(50) / s.phase().millisAt(50))).append(" | ")
                    .append(Targets.f("%.2f", r.row("rawQueryHeadsDeep", c).phase().millisAt(50) / r.row("rawQueryHeadsShallow", c).phase().millisAt(50)))
                    .append(" |\n");
        }

        feedAndAsOf(md, r);

        md.append("\n## Start-up\n\n");
        if (r.startup() == null) {
            md.append("Not measured (`--startup-runs 0`).\n");
        } else {
            StartupProbe.Result s = r.startup();
            md.append("Method: ").append(s.method()).append(". Time from launch to the first `200` from `/health`.");
            if (s.jar() != null) {
                md.append(" Jar built ").append(s.jarBuilt()).append(s.jarOlderThanSources()
                        ? " (**older than some files under src/main**: rebuild with `mvn -B -q -DskipTests package` to measure the current code)" : "");
            }
            md.append("\n\n| run | data | seconds |\n|---:|---|---:|\n");
            for (StartupProbe.Run run : s.runs()) {
                md.append("| ").append(run.run()).append(" | ").append(run.freshData() ? "empty (tables created)" : "existing (restart)")
                        .append(" | ").append(Targets.f("%.2f", run.seconds())).append(" |\n");
            }
        }

        HeapWatch.Figures h = r.heap();
        md.append(external
                ? "\n## Heap\n\nThe benchmark JVM holds the server and the load generator; DynamoDB Local has its own JVM (" + LocalEndpoint.HEAP + "), not counted here. Sampled every 20 ms.\n\n"
                : "\n## Heap\n\nOne JVM holds the server, DynamoDB Local and the load generator. Sampled every 20 ms.\n\n");
        md.append(Targets.f("- Max heap (-Xmx): %.0f MiB; collectors: %s%n", h.maxHeapBytes() / Targets.MIB, h.collectors()));
        md.append(Targets.f("- At concurrency %d: peak used %.0f MiB, peak live after GC %.0f MiB%n", o.maxConcurrency(),
                h.maxUsedUnderLoad() / Targets.MIB, h.maxAfterGcUnderLoad() / Targets.MIB));
        md.append(Targets.f("- Whole run: peak used %.0f MiB, peak live after GC %.0f MiB%n", h.maxUsed() / Targets.MIB, h.maxAfterGc() / Targets.MIB));

        List<String> problems = new java.util.ArrayList<>();
        for (Benchmark.Row row : r.rows().values()) {
            if (row.phase().errors() > 0) {
                problems.add(row.phase().id() + ": " + row.phase().errors() + " non-2xx answers, first " + row.phase().firstError()
                        + "; statuses " + row.dynamo().statuses());
            }
            // on disk, puts made while others were being sent went together, from the group
            // commit's thread: the calls seen on a request's thread are then fewer than it made
            if (row.dynamo().countMismatches() > 0 && r.options().storage() != BenchOptions.Storage.DISK) {
                problems.add(row.phase().id() + ": " + row.dynamo().countMismatches()
                        + " requests where the server's DynamoDB request count differs from the calls seen");
            }
        }
        if (!problems.isEmpty()) {
            md.append("\n## Problems seen\n\n");
            problems.forEach(p -> md.append("- ").append(p).append('\n'));
        }
        return md.toString();
    }

    private static String floorLine(Benchmark.Row row, boolean external) {
        Load.Phase p = row.phase();
        DynamoStats d = row.dynamo();
        return "| " + row.title() + " | " + Targets.f("%.0f", p.throughput()) + " | " + ms(p.millisAt(50)) + " | " + ms(p.millisAt(95))
                + " | " + ms(p.millisAt(99)) + " | " + ms(p.cpuMillisPerOp()) + (external ? " | " + ms(p.externalCpuMillisPerOp()) : "")
                + " | " + units(d.readUnitsPerOp()) + " | " + units(d.writeUnitsPerOp()) + " | " + billedWrite(d) + " |\n";
    }

    /** Write units per operation by the billing rules; "~" when a transaction was estimated from its items. */
    private static String billedWrite(DynamoStats d) {
        return (d.estimatedOps() > 0 ? "~" : "") + units(d.billedWriteUnitsPerOp()) + (d.understatedOps() > 0 ? " (understated)" : "");
    }

    /**
     * Issue 14: each write next to the raw transaction that today's code makes for it, by throughput
     * (same run, same rounds) and by capacity, each call with its own ConsumedCapacity.
     */
    private static void writes(StringBuilder md, Benchmark.Results r, boolean external) {
        md.append("## Writes against today's transactions (issue 14)\n\n");
        md.append("Each change over HTTP next to the raw TransactWriteItems that today's code sends for it (\"raw tx\", measured in the "
                + "same rounds), and its capacity by DynamoDB's billing rules, call by call (each call's own ConsumedCapacity; "
                + "\"~\": a transaction, estimated from its items, with DynamoDB Local's own under-reported figure beside it). "
                + "Calls/op counts every DynamoDB request the server made for the change.\n\n");
        if (r.options().storage() == BenchOptions.Storage.DISK) {
            md.append("On disk the server commits the puts that concurrent changes make at the same moment together, as one "
                    + "TransactWriteItems sent from a thread of its own (group commit, docs/storage.md): such a put counts as a "
                    + "PutItem with its share of the transaction's units in WCU/op (Local), and is not among a change's calls "
                    + "by the billing rules, which apply to real DynamoDB, where nothing is grouped.\n\n");
        }
        for (int c : r.options().concurrency()) {
            md.append("### Concurrency ").append(c).append("\n\n");
            md.append("| change | ops/s | p50 ms | calls/op | RCU/op | WCU/op (Local) | billed WCU/op | max billed WCU | raw tx | raw tx ops/s | ops/s / raw tx ops/s | ")
                    .append(external ? "Local CPU ms/op | " : "").append("capacity per call (most common) |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|").append(external ? "---:|" : "").append("---|\n");
            for (Benchmark.OpSpec op : r.ops()) {
                String floorId = Targets.rawWriteFloor(op);
                if (!op.change() || floorId == null) {
                    continue;
                }
                Benchmark.Row row = r.row(op.id(), c);
                Benchmark.Row raw = r.row(floorId, c);
                Load.Phase p = row.phase();
                DynamoStats d = row.dynamo();
                md.append("| ").append(op.title()).append(" | ").append(Targets.f("%.0f", p.throughput())).append(" | ").append(ms(p.millisAt(50)))
                        .append(" | ").append(units(d.requestsPerOp())).append(" | ").append(units(d.readUnitsPerOp()))
                        .append(" | ").append(units(d.writeUnitsPerOp())).append(" | ").append(billedWrite(d))
                        .append(" | ").append(units(d.maxBilledWriteUnits()))
                        .append(" | ").append(floorId).append(" | ").append(Targets.f("%.0f", raw.phase().throughput()))
                        .append(" | ").append(Targets.f("%.2f", p.throughput() / raw.phase().throughput()))
                        .append(external ? " | " + ms(p.externalCpuMillisPerOp()) : "")
                        .append(" | ").append(d.capacitySignature()).append(" |\n");
            }
            for (String raw : List.of("rawPutItem", "rawPutItemFeed", "rawTxUpdate", "rawTxCreateEntry", "rawTxRename", "rawTxDeleteEntry")) {
                Benchmark.Row row = r.row(raw, c);
                if (row == null) {
                    continue;
                }
                Load.Phase p = row.phase();
                DynamoStats d = row.dynamo();
                md.append("| raw: ").append(raw).append(" | ").append(Targets.f("%.0f", p.throughput())).append(" | ").append(ms(p.millisAt(50)))
                        .append(" | 1.00 | ").append(units(d.readUnitsPerOp())).append(" | ").append(units(d.writeUnitsPerOp()))
                        .append(" | ").append(billedWrite(d)).append(" | ").append(units(d.maxBilledWriteUnits()))
                        .append(" | - | - | - |").append(external ? " " + ms(p.externalCpuMillisPerOp()) + " |" : "")
                        .append(" ").append(d.capacitySignature()).append(" |\n");
            }
            md.append('\n');
        }
    }

    /** The rows of the change feed and of asOf reads in the middle of history, and their ratios (issue 10). */
    static final List<String> FEED_AND_AS_OF_ROWS = List.of("feedPage", "feedPoll", "putEntryFeed", "putEntry", "listAsOf", "listAsOfDeep",
            "listAsOfMid", "listAsOfMidDeep", "listAsOfMidIndexedTwo", "listAsOfMidIndexedDeep");

    private static void feedAndAsOf(StringBuilder md, Benchmark.Results r) {
        BenchOptions o = r.options();
        md.append("\n## Change feed and asOf (issue 10)\n\n");
        md.append("Feed rows read the change feed of a collection of ").append(o.entries()).append(" entries in the application that keeps one "
                + "(`\"feed\": true`): a page of all its changes (since a token taken before they were written) and a poll after the last "
                + "one (since a token at now). The feed PUT is the plain PUT in that application, measured in the same rounds. "
                + "asOf mid-history: the instant after version ").append(o.depth() / 2).append(" of every deep entry (and after the only version of "
                + "every shallow one); asOf after seeding reads heads only.\n\n");
        for (int c : o.concurrency()) {
            md.append("### Concurrency ").append(c).append("\n\n");
            md.append("| operation | ops/s | p50 ms | p99 ms | DynamoDB req/op | RCU/op | WCU/op | DynamoDB calls | floor p50 ms | p50 / floor |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
            for (Benchmark.OpSpec op : r.ops()) {
                if (!FEED_AND_AS_OF_ROWS.contains(op.id())) {
                    continue;
                }
                Benchmark.Row row = r.row(op.id(), c);
                Load.Phase p = row.phase();
                DynamoStats d = row.dynamo();
                double floor = Targets.floorMillis(r, op.floorCalls(), c);
                md.append("| ").append(op.title()).append(" | ").append(Targets.f("%.0f", p.throughput())).append(" | ").append(ms(p.millisAt(50)))
                        .append(" | ").append(ms(p.millisAt(99))).append(" | ").append(units(d.requestsPerOp())).append(" | ")
                        .append(units(d.readUnitsPerOp())).append(" | ").append(units(d.writeUnitsPerOp())).append(" | ").append(compact(d.signature()))
                        .append(" | ").append(ms(floor)).append(" | ").append(Targets.f("%.2f", p.millisAt(50) / floor)).append(" |\n");
            }
            md.append('\n');
        }
        md.append("| c | feed PUT / PUT: ops/s | p50 | WCU | asOf mid, depth ").append(o.depth()).append(" / depth 1: RCU | requests | p50 | ops/s |\n");
        md.append("|---:|---:|---:|---|---:|---|---:|---:|\n");
        for (int c : o.concurrency()) {
            Benchmark.Row feedPut = r.row("putEntryFeed", c);
            Benchmark.Row put = r.row("putEntry", c);
            Benchmark.Row mid1 = r.row("listAsOfMid", c);
            Benchmark.Row midN = r.row("listAsOfMidDeep", c);
            md.append("| ").append(c)
                    .append(" | ").append(Targets.f("%.2f", feedPut.phase().throughput() / put.phase().throughput()))
                    .append(" | ").append(Targets.f("%.2f", feedPut.phase().millisAt(50) / put.phase().millisAt(50)))
                    .append(" | ").append(Targets.f("%.2f / %.2f", feedPut.dynamo().writeUnitsPerOp(), put.dynamo().writeUnitsPerOp()))
                    .append(" | ").append(Targets.f("%.2f / %.2f = %.1f", midN.dynamo().readUnitsPerOp(), mid1.dynamo().readUnitsPerOp(),
                            midN.dynamo().readUnitsPerOp() / mid1.dynamo().readUnitsPerOp()))
                    .append(" | ").append(Targets.f("%.2f / %.2f", midN.dynamo().requestsPerOp(), mid1.dynamo().requestsPerOp()))
                    .append(" | ").append(Targets.f("%.2f", midN.phase().millisAt(50) / mid1.phase().millisAt(50)))
                    .append(" | ").append(Targets.f("%.2f", midN.phase().throughput() / mid1.phase().throughput())).append(" |\n");
        }
        md.append("\nWith the time index (`\"asOfIndex\": true`), every entry changed after the instant, at depth ").append(o.depth())
                .append(" against depth 2:\n\n| c | RCU | requests | p50 | ops/s |\n|---:|---|---|---:|---:|\n");
        for (int c : o.concurrency()) {
            Benchmark.Row two = r.row("listAsOfMidIndexedTwo", c);
            Benchmark.Row deep = r.row("listAsOfMidIndexedDeep", c);
            md.append("| ").append(c)
                    .append(" | ").append(Targets.f("%.2f / %.2f", deep.dynamo().readUnitsPerOp(), two.dynamo().readUnitsPerOp()))
                    .append(" | ").append(Targets.f("%.2f / %.2f", deep.dynamo().requestsPerOp(), two.dynamo().requestsPerOp()))
                    .append(" | ").append(Targets.f("%.2f", deep.phase().millisAt(50) / two.phase().millisAt(50)))
                    .append(" | ").append(Targets.f("%.2f", deep.phase().throughput() / two.phase().throughput())).append(" |\n");
        }
    }

    /** A call pattern with its runs of one call shortened: "GetItem + Query + Query + Query" -> "GetItem + Query x 3". */
    static String compact(String signature) {
        StringBuilder out = new StringBuilder();
        String[] calls = signature.split(" \\+ ");
        for (int i = 0; i < calls.length; ) {
            int j = i;
            while (j < calls.length && calls[j].equals(calls[i])) {
                j++;
            }
            out.append(out.length() == 0 ? "" : " + ").append(calls[i]).append(j - i > 2 ? " x " + (j - i) : j - i == 2 ? " + " + calls[i] : "");
            i = j;
        }
        return out.toString();
    }

    /** A few lines for the console. */
    static String summary(Benchmark.Results r) {
        StringBuilder s = new StringBuilder("\nTargets:\n");
        for (Targets.Target t : Targets.evaluate(r)) {
            s.append(t.met() == null ? "  [ -- ] " : t.met() ? "  [ met ] " : "  [ NOT ] ").append(t.name()).append(" ").append(t.goal())
                    .append(": ").append(t.figure()).append('\n');
        }
        return s.toString();
    }

}
