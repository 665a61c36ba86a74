package dev.dynamini.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DynamoDB usage of a set of operations: requests and capacity units as DynamoDB reported them
 * (ConsumedCapacity), and which DynamoDB calls each operation made.
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
    private final Map<String, Long> signatures = new TreeMap<>();
    private final Map<Integer, Long> statuses = new TreeMap<>();

    /** One HTTP request as the server reported it, with the calls the tap saw. */
    synchronized void add(int status, int requestsMade, double read, double write, List<String> calls) {
        operations++;
        requests += requestsMade;
        readUnits += read;
        writeUnits += write;
        statuses.merge(status, 1L, Long::sum);
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

    /** One raw SDK call: read/write split as DynamoDB reported it with ReturnConsumedCapacity INDEXES. */
    synchronized void addRaw(String operation, double read, double write, double unsplit) {
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
