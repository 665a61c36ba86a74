package dev.dynamini.bench;

import dev.dynamini.dynamo.GroupCommit;
import dev.dynamini.http.RequestRecord;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Sees which DynamoDB operations each HTTP request made. The server is given a DynamoDbClient that
 * notes the name of every call on the calling thread and passes it on unchanged; when the server
 * reports a finished request (its {@link RequestRecord}, on the same thread, with the capacity
 * DynamoDB answered), the noted calls are attributed to the benchmark label carried in the request
 * id ({@code bench.<label>.<n>}). Each call's capacity by DynamoDB's billing rules is worked out
 * from its request and response ({@link Billing}), beside the server's own figure.
 */
final class DynamoTap implements Consumer<RequestRecord> {
    static final String ID_PREFIX = "bench.";
    private static final Set<String> NOT_CALLS = Set.of("close", "serviceName", "serviceClientConfiguration", "waiter", "utilities");
    private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "ExecuteStatement");
    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");

    /** One DynamoDB call the server made, with its capacity by the billing rules. */
    record Call(String operation, Billing.Usage usage) {
    }

    private final ThreadLocal<List<Call>> calls = ThreadLocal.withInitial(ArrayList::new);
    private final Map<String, DynamoStats> byLabel = new ConcurrentHashMap<>();

    /** The client to hand to the server. */
    DynamoDbClient wrap(DynamoDbClient target) {
        InvocationHandler handler = (proxy, method, args) -> invoke(target, proxy, method, args);
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, handler);
    }

    private Object invoke(DynamoDbClient target, Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "DynamoTap(" + target + ")";
            };
        }
        if (NOT_CALLS.contains(method.getName())) {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        String operation = operation(method.getName());
        Object response = null;
        try {
            response = method.invoke(target, args);
            return response;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            // puts that concurrent requests made together, sent by the group commit's own thread
            // (embedded on disk): no one request made them, so none is charged with them
            if (!Thread.currentThread().getName().equals(GroupCommit.THREAD_NAME)) {
                Object request = args == null || args.length == 0 ? null : args[0];
                calls.get().add(new Call(operation, Billing.of(operation, request, response)));
            }
        }
    }

    /** getItem -> GetItem */
    private static String operation(String methodName) {
        return Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1);
    }

    static boolean isRead(String operation) {
        return READS.contains(operation);
    }

    static boolean isWrite(String operation) {
        return WRITES.contains(operation);
    }

    /** Runs on the server's request thread, so it only queues: counting happens in {@link #stats}. */
    @Override
    public void accept(RequestRecord record) {
        List<Call> mine = calls.get();
        List<Call> made = List.copyOf(mine);
        mine.clear();
        String id = record.requestId();
        if (id != null && id.startsWith(ID_PREFIX)) {
            pending.add(new Seen(id, record, made));
        }
    }

    private record Seen(String requestId, RequestRecord record, List<Call> calls) {
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Seen> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private synchronized void drain() {
        Seen seen;
        while ((seen = pending.poll()) != null) {
            String id = seen.requestId();
            int end = id.indexOf('.', ID_PREFIX.length());
            String label = end < 0 ? id.substring(ID_PREFIX.length()) : id.substring(ID_PREFIX.length(), end);
            RequestRecord r = seen.record();
            byLabel.computeIfAbsent(label, l -> new DynamoStats())
                    .add(r.status(), r.dynamo().requests(), r.dynamo().readUnits(), r.dynamo().writeUnits(), seen.calls());
        }
    }

    /**
     * What the server reported for requests of that label so far. The same object is returned every
     * time and is brought up to date by every later call (the server's record of a request can
     * arrive just after its response): ask again after the server stopped for the final figures.
     */
    DynamoStats stats(String label) {
        drain();
        return byLabel.computeIfAbsent(label, l -> new DynamoStats());
    }
}
