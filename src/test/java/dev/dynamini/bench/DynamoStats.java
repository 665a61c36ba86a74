package dev.dynamini.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DynamoDB usage of a set of operations: requests and capacity units as DynamoDB reported them
 * (ConsumedCapacity), the same by DynamoDB's billing rules ({@link Billing}: transactions, which
 * DynamoDB Local under-reports, estimated from their items), and which DynamoDB calls each
 * operation made.
 */
final class DynamoStats {
    private long operations;
    private long requests;
    private double readUnits;
    private double writeUnits;
    private double unsplitUnits;
    private int maxReadRequests;
    private int maxWriteRequests;
    private int maxRequests;
    private long countMismatches;
    private double billedReadUnits;
    private double billedWriteUnits;
    private double maxBilledRead;
    private double maxBilledWrite;
    private long estimatedOps;
    private long understatedOps;
    private final Map<String, Long> signatures = new TreeMap<>();
    private final Map<String, Long> capacitySignatures = new TreeMap<>();
    private final Map<Integer, Long> statuses = new TreeMap<>();

    /** One HTTP request as the server reported it, with the calls the tap saw. */
    synchronized void add(int status, int requestsMade, double read, double write, List<DynamoTap.Call> seen) {
        operations++;
        requests += requestsMade;
        readUnits += read;
        writeUnits += write;
        statuses.merge(status, 1L, Long::sum);
        List<String> calls = seen.stream().map(DynamoTap.Call::operation).toList();
        double billedRead = 0;
        double billedWrite = 0;
        boolean estimated = false;
        boolean understated = false;
        List<String> capacity = new java.util.ArrayList<>();
        for (DynamoTap.Call call : seen) {
            billedRead += call.usage().read();
            billedWrite += call.usage().write();
            estimated |= call.usage().estimated();
            understated |= call.usage().understated();
            capacity.add(call.usage().describe(call.operation()));
        }
        addBilled(billedRead, billedWrite, estimated, understated, capacity.isEmpty() ? "(none)" : String.join(" + ", capacity));
        int reads = (int) calls.stream().filter(DynamoTap::isRead).count();
        int writes = (int) calls.stream().filter(DynamoTap::isWrite).count();
        maxReadRequests = Math.max(maxReadRequests, reads);
        maxWriteRequests = Math.max(maxWriteRequests, writes);
        maxRequests = Math.max(maxRequests, requestsMade);
        if (calls.size() != requestsMade) {
            countMismatches++;
        }
        signatures.merge(calls.isEmpty() ? "(none)" : String.join(" + ", calls), 1L, Long::sum);
    }

    private void addBilled(double read, double write, boolean estimated, boolean understated, String capacity) {
        billedReadUnits += read;
        billedWriteUnits += write;
        maxBilledRead = Math.max(maxBilledRead, read);
        maxBilledWrite = Math.max(maxBilledWrite, write);
        estimatedOps += estimated ? 1 : 0;
        understatedOps += understated ? 1 : 0;
        capacitySignatures.merge(capacity, 1L, Long::sum);
    }

    /**
     * One raw SDK call: read/write split as DynamoDB reported it with ReturnConsumedCapacity INDEXES,
     * and its units by the billing rules.
     */
    synchronized void addRaw(String operation, double read, double write, double unsplit, Billing.Usage billed) {
        addBilled(billed.read(), billed.write(), billed.estimated(), billed.understated(), billed.describe(operation));
        operations++;
        requests++;
        readUnits += read;
        writeUnits += write;
        unsplitUnits += unsplit;
        statuses.merge(200, 1L, Long::sum);
        maxRequests = 1;
        if (DynamoTap.isRead(operation)) {
            maxReadRequests = 1;
        } else {
            maxWriteRequests = 1;
        }
        signatures.merge(operation, 1L, Long::sum);
    }

    synchronized long operations() {
        return operations;
    }

    synchronized double requestsPerOp() {
        return operations == 0 ? 0 : (double) requests / operations;
    }

    synchronized double readUnitsPerOp() {
        return operations == 0 ? 0 : readUnits / operations;
    }

    synchronized double writeUnitsPerOp() {
        return operations == 0 ? 0 : writeUnits / operations;
    }

    /** Read units per operation by DynamoDB's billing rules (see {@link Billing}). */
    synchronized double billedReadUnitsPerOp() {
        return operations == 0 ? 0 : billedReadUnits / operations;
    }

    /** Write units per operation by DynamoDB's billing rules; transactions estimated from their items. */
    synchronized double billedWriteUnitsPerOp() {
        return operations == 0 ? 0 : billedWriteUnits / operations;
    }

    /** The most read units by the billing rules of any one operation. */
    synchronized double maxBilledReadUnits() {
        return maxBilledRead;
    }

    /** The most write units by the billing rules of any one operation. */
    synchronized double maxBilledWriteUnits() {
        return maxBilledWrite;
    }

    /** Operations whose billed figure includes a transaction estimated from its items. */
    synchronized long estimatedOps() {
        return estimatedOps;
    }

    /** Operations whose billed figure could not follow the billing rules (see {@link Billing.Usage}). */
    synchronized long understatedOps() {
        return understatedOps;
    }

    /** Per operation: each call with its units, e.g. "GetItem 1 RCU + PutItem 1 WCU", and how many times. */
    synchronized Map<String, Long> capacitySignatures() {
        return new LinkedHashMap<>(capacitySignatures);
    }

    /** The most common of {@link #capacitySignatures()}. */
    synchronized String capacitySignature() {
        return capacitySignatures.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("-");
    }

    /** Capacity DynamoDB reported without saying whether it was read or write. */
    synchronized double unsplitUnitsPerOp() {
        return operations == 0 ? 0 : unsplitUnits / operations;
    }

    synchronized int maxReadRequests() {
        return maxReadRequests;
    }

    synchronized int maxWriteRequests() {
        return maxWriteRequests;
    }

    synchronized int maxRequests() {
        return maxRequests;
    }

    /** Requests where the server's count and the calls seen differ (should be none). */
    synchronized long countMismatches() {
        return countMismatches;
    }

    synchronized Map<String, Long> signatures() {
        return new LinkedHashMap<>(signatures);
    }

    synchronized Map<Integer, Long> statuses() {
        return new LinkedHashMap<>(statuses);
    }

    /** The most common call pattern. */
    synchronized String signature() {
        return signatures.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("-");
    }
}
