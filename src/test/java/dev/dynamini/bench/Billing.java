package dev.dynamini.bench;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Capacity units of one DynamoDB call by DynamoDB's billing rules, as far as the benchmark can tell
 * them (issue 14 asks for write units "by DynamoDB's billing rules").
 *
 * <ul>
 *   <li>A single-item call (GetItem, PutItem, UpdateItem, DeleteItem), BatchGetItem, Query: what
 *       DynamoDB Local reports in ConsumedCapacity, which follows the billing rules (1 WCU per KB
 *       written, 1 RCU per 4 KB read strongly consistent). Taken as is.</li>
 *   <li>TransactWriteItems: DynamoDB Local reports it as if one item were written (docs/storage.md),
 *       so it is <b>estimated</b> from the request instead: 2 WCU per started KB of each action, a Put
 *       by the size of the item it writes, an Update, Delete or ConditionCheck counted as one KB
 *       (their items' sizes are not in the request; the benchmark's items are all below 1 KB). Writes
 *       into a global secondary index are not included. A Put over a larger old item would cost
 *       more. So the estimate is a lower bound, exact for the benchmark's entries.</li>
 *   <li>A call that failed counts nothing here, although DynamoDB bills a failed conditional write:
 *       the exception carries no ConsumedCapacity. The benchmark's changes do not conflict (one
 *       target per worker), so this does not arise in its rows.</li>
 * </ul>
 */
final class Billing {
    static final int WRITE_UNIT_BYTES = 1024;

    /**
     * One call's units: {@code read}/{@code write} by the billing rules, either as reported or, for a
     * transaction, {@code estimated} from the request; {@code reportedRead}/{@code reportedWrite}:
     * what DynamoDB (Local) answered. {@code understated} when the billing rules could not be applied
     * (no ConsumedCapacity answered, or a transaction whose request was not seen): then the figure is
     * the reported one, or nothing.
     */
    record Usage(double read, double write, double reportedRead, double reportedWrite, boolean estimated, boolean understated) {
        static final Usage NONE = new Usage(0, 0, 0, 0, false, false);

        /** For a report: "PutItem 1 WCU", "TransactWriteItems ~6 WCU (Local: 4)". */
        String describe(String operation) {
            StringBuilder s = new StringBuilder(operation);
            if (read > 0 || write == 0 && DynamoTap.isRead(operation)) {
                s.append(' ').append(number(read)).append(" RCU");
            }
            if (write > 0 || read == 0 && !DynamoTap.isRead(operation)) {
                s.append(estimated ? " ~" : " ").append(number(write)).append(" WCU");
            }
            if (estimated) {
                s.append(" (Local: ").append(number(reportedWrite)).append(')');
            }
            if (understated) {
                s.append(" (understated)");
            }
            return s.toString();
        }

        private static String number(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Targets.f("%.1f", v);
        }
    }

    private Billing() {
    }

    /** The units of one call, from its request and its response (null when it failed). */
    static Usage of(String operation, Object request, Object response) {
        if (response == null) {
            return Usage.NONE;
        }
        List<ConsumedCapacity> consumed = consumedCapacity(response);
        if (consumed == null) {
            return Usage.NONE;
        }
        double[] reported = split(operation, consumed);
        if (operation.equals("TransactWriteItems") && request instanceof TransactWriteItemsRequest t) {
            return new Usage(0, transactWriteUnits(t.transactItems()), reported[0], reported[1], true, false);
        }
        boolean counted = DynamoTap.isRead(operation) || DynamoTap.isWrite(operation);
        // no capacity answered, or a transaction whose request could not be read (Local's figure is too low)
        boolean understated = consumed.isEmpty() && counted || operation.startsWith("Transact");
        return new Usage(reported[0], reported[1], reported[0], reported[1], false, understated);
    }

    /** A transaction's units, estimated from its actions, beside what DynamoDB (Local) reported. */
    static Usage transaction(List<TransactWriteItem> items, List<ConsumedCapacity> consumed) {
        double[] reported = split("TransactWriteItems", consumed == null ? List.of() : consumed);
        return new Usage(0, transactWriteUnits(items), reported[0], reported[1], true, false);
    }

    /** A single-item or read call: the units as reported, which follow the billing rules. */
    static Usage reported(String operation, List<ConsumedCapacity> consumed) {
        double[] reported = split(operation, consumed == null ? List.of() : consumed);
        return new Usage(reported[0], reported[1], reported[0], reported[1], false, consumed == null || consumed.isEmpty());
    }

    /**
     * Read and write units of ConsumedCapacity entries. DynamoDB Local 3.3.1 answers only the total,
     * which is filed by the kind of call.
     */
    static double[] split(String operation, List<ConsumedCapacity> consumed) {
        double read = 0;
        double write = 0;
        for (ConsumedCapacity c : consumed) {
            if (c == null) {
                continue;
            }
            double r = c.readCapacityUnits() == null ? 0 : c.readCapacityUnits();
            double w = c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits();
            double total = c.capacityUnits() == null ? 0 : c.capacityUnits();
            if (r + w == 0 && total > 0) {
                if (DynamoTap.isRead(operation)) {
                    r = total;
                } else {
                    w = total;
                }
            }
            read += r;
            write += w;
        }
        return new double[] {read, write};
    }

    /** The response's ConsumedCapacity as a list; null when the response type has none. */
    @SuppressWarnings("unchecked")
    private static List<ConsumedCapacity> consumedCapacity(Object response) {
        try {
            Method m = response.getClass().getMethod("consumedCapacity");
            Object value = m.invoke(response);
            if (value == null) {
                return List.of();
            }
            if (value instanceof ConsumedCapacity c) {
                return List.of(c);
            }
            if (value instanceof List<?> list) {
                return (List<ConsumedCapacity>) list;
            }
            return null;
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 2 WCU per started KB of each action (Update, Delete and ConditionCheck taken as one KB). */
    static double transactWriteUnits(List<TransactWriteItem> items) {
        double units = 0;
        for (TransactWriteItem item : items) {
            long kb = 1;
            if (item.put() != null) {
                kb = Math.max(1, (itemSize(item.put().item()) + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
            }
            units += 2 * kb;
        }
        return units;
    }

    /** An item's size as DynamoDB counts it: attribute names plus values (docs: "Item sizes"). */
    static long itemSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (var e : item.entrySet()) {
            size += utf8(e.getKey()) + valueSize(e.getValue());
        }
        return size;
    }

    private static long valueSize(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return numberSize(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArray().length;
        }
        if (v.bool() != null || v.nul() != null) {
            return 1;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(Billing::utf8).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToLong(Billing::numberSize).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        }
        if (v.hasL()) {
            return 3 + v.l().stream().mapToLong(x -> 1 + valueSize(x)).sum();
        }
        if (v.hasM()) {
            return 3 + v.m().entrySet().stream().mapToLong(x -> 1 + utf8(x.getKey()) + valueSize(x.getValue())).sum();
        }
        return 1;
    }

    /** About one byte per two significant digits, plus one. */
    private static long numberSize(String n) {
        String digits = n.replaceAll("[^0-9]", "").replaceAll("^0+", "").replaceAll("0+$", "");
        return 1 + (digits.length() + 1) / 2;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
