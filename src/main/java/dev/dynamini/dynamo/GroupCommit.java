package dev.dynamini.dynamo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Single-item conditional puts made at the same time by different requests, committed together:
 * for embedded DynamoDB Local on disk, where every write is a SQLite commit with its own file sync
 * and one commit of sixteen puts costs little more than one of a single put (docs/storage.md,
 * "Group commit").
 *
 * <p>Each put keeps the outcome it would have had alone. A put that finds nothing being sent goes
 * at once, from its own thread, as itself. Puts that come while something is being sent wait, and
 * form the next group: one {@code TransactWriteItems} (no two on the same item, at most 100, about
 * 2 MB). When the transaction is cancelled, the puts whose condition failed fail as their own put
 * would have, with {@link ConditionalCheckFailedException} and the item found; the others were not
 * written and go into the next group. A put that the transaction refuses for any other reason is
 * sent alone, so that it gets its own answer. A caller always waits for its put's outcome: nothing
 * is left in doubt by the grouping.
 *
 * <p>Not for real DynamoDB, which bills a transaction twice per item and syncs every write anyway.
 */
public final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** The committer's thread, named so that what it sends can be told from what requests send. */
    public static final String THREAD_NAME = "dynamini-group-commit";
    /** DynamoDB's limit of actions per transaction. */
    static final int MAX_PUTS = 100;
    /** Well inside the 4 MB a transaction may carry (items are at most 400 KB each). */
    private static final long MAX_BYTES = 2L * 1024 * 1024;

    private final DynamoDbClient client;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /**
     * One send at a time, a group's or a lone put's: a put that finds nothing queued and nothing
     * being sent goes at once from its own thread (one writer: no hand-over to the committer, no
     * wait), and everything that comes while a send is under way waits for the next group. Fair,
     * so that the committer is not overtaken by lone puts while a group waits.
     */
    private final Semaphore sending = new Semaphore(1, true);
    private final Thread committer;
    private volatile boolean closing;

    /** A put and its caller's answer. */
    private record Pending(PutItemRequest request, ItemAddress address, long bytes, CompletableFuture<PutItemResponse> answer) {
    }

    /** Which item a put writes: a transaction may not hold two actions on one. */
    private record ItemAddress(String table, AttributeValue pk, AttributeValue sk) {
    }

    public GroupCommit(DynamoDbClient client) {
        this.client = client;
        this.committer = new Thread(this::commitGroups, THREAD_NAME);
        committer.setDaemon(true);
        committer.start();
    }

    /** The put's own outcome, as {@link DynamoDbClient#putItem} would give it. */
    public PutItemResponse putItem(PutItemRequest request) {
        if (closing || !groupable(request)) {
            return client.putItem(request);
        }
        if (queue.isEmpty() && tryToSend()) {
            try {
                return client.putItem(request);
            } finally {
                sending.release();
            }
        }
        Pending pending = new Pending(request, new ItemAddress(request.tableName(), request.item().get(KeyLayout.PK),
                request.item().get(KeyLayout.SK)), approximateBytes(request.item()), new CompletableFuture<>());
        queue.add(pending);
        if (closing && !committer.isAlive() && queue.remove(pending)) {
            alone(pending); // queued after the committer had stopped
        }
        try {
            return pending.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Whether no put is being sent and none waits to be (the fair semaphore's zero-wait try). */
    private boolean tryToSend() {
        try {
            return sending.tryAcquire(0, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Only what a transaction's Put can say: no return values beyond the item of a failed condition. */
    private static boolean groupable(PutItemRequest request) {
        return !request.hasExpected() && request.conditionalOperator() == null
                && (request.returnValues() == null || request.returnValuesAsString().equals("NONE"))
                && request.returnItemCollectionMetrics() == null
                && request.item().containsKey(KeyLayout.PK) && request.item().containsKey(KeyLayout.SK);
    }

    private void commitGroups() {
        ArrayDeque<Pending> backlog = new ArrayDeque<>();
        while (true) {
            try {
                if (backlog.isEmpty()) {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closing && queue.isEmpty()) {
                            return;
                        }
                        continue;
                    }
                    backlog.add(first);
                }
                sending.acquireUninterruptibly();
                List<Pending> group = List.of();
                try {
                    queue.drainTo(backlog);
                    group = nextGroup(backlog);
                    write(group, backlog);
                } catch (RuntimeException | Error unexpected) {
                    // no caller may wait for ever: those not answered yet get the error
                    for (Pending pending : group) {
                        pending.answer().completeExceptionally(unexpected);
                    }
                    LOG.error("group commit failed unexpectedly; its puts were answered with the error", unexpected);
                } finally {
                    sending.release();
                }
            } catch (InterruptedException e) {
                // close() waits for the queue to empty; an interrupt only hurries the poll
            }
        }
    }

    /** The oldest puts of the backlog, at most one per item; the rest stay, in order. */
    private static List<Pending> nextGroup(ArrayDeque<Pending> backlog) {
        List<Pending> group = new ArrayList<>();
        Set<ItemAddress> items = new HashSet<>();
        long bytes = 0;
        for (Iterator<Pending> it = backlog.iterator(); it.hasNext() && group.size() < MAX_PUTS; ) {
            Pending pending = it.next();
            // a put passed over keeps later puts of its item back too: an item's puts stay in order
            if (!items.add(pending.address()) || (!group.isEmpty() && bytes + pending.bytes() > MAX_BYTES)) {
                continue;
            }
            bytes += pending.bytes();
            group.add(pending);
            it.remove();
        }
        return group;
    }

    private void write(List<Pending> group, ArrayDeque<Pending> backlog) {
        if (group.size() == 1) {
            alone(group.get(0));
            return;
        }
        TransactWriteItemsResponse response;
        try {
            response = client.transactWriteItems(TransactWriteItemsRequest.builder()
                    .transactItems(group.stream().map(GroupCommit::action).toList())
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .build());
        } catch (TransactionCanceledException cancelled) {
            settleCancelled(group, cancelled, backlog);
            return;
        } catch (RuntimeException refused) {
            // refused as a whole, it wrote nothing: each put goes alone and gets its own answer (had
            // it been written after all, each put would find itself there, as after an SDK retry)
            group.forEach(this::alone);
            return;
        }
        ConsumedCapacity share = shareOf(response.consumedCapacity(), group.size());
        PutItemResponse answer = PutItemResponse.builder().consumedCapacity(share).build();
        group.forEach(pending -> pending.answer().complete(answer));
    }

    /**
     * A cancelled transaction wrote nothing. Puts whose own condition failed fail as alone; puts
     * that would have been written go first into the next group; any other reason, alone.
     */
    private void settleCancelled(List<Pending> group, TransactionCanceledException cancelled, ArrayDeque<Pending> backlog) {
        List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
        if (reasons.size() != group.size()) {
            group.forEach(this::alone);
            return;
        }
        List<Pending> again = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            Pending pending = group.get(i);
            CancellationReason reason = reasons.get(i);
            String code = reason.code() == null ? "None" : reason.code();
            switch (code) {
                case "None" -> again.add(pending);
                case "ConditionalCheckFailed" -> pending.answer().completeExceptionally(ConditionalCheckFailedException.builder()
                        .message(reason.message() == null ? "The conditional request failed" : reason.message())
                        .item(reason.hasItem() ? reason.item() : null)
                        .build());
                default -> alone(pending);
            }
        }
        for (int i = again.size() - 1; i >= 0; i--) {
            backlog.addFirst(again.get(i));
        }
    }

    private void alone(Pending pending) {
        try {
            pending.answer().complete(client.putItem(pending.request()));
        } catch (RuntimeException | Error failed) {
            pending.answer().completeExceptionally(failed);
        }
    }

    private static TransactWriteItem action(Pending pending) {
        PutItemRequest request = pending.request();
        Put.Builder put = Put.builder().tableName(request.tableName()).item(request.item());
        if (request.conditionExpression() != null) {
            put.conditionExpression(request.conditionExpression());
        }
        if (request.hasExpressionAttributeNames()) {
            put.expressionAttributeNames(request.expressionAttributeNames());
        }
        if (request.hasExpressionAttributeValues()) {
            put.expressionAttributeValues(request.expressionAttributeValues());
        }
        if (request.returnValuesOnConditionCheckFailure() != null) {
            put.returnValuesOnConditionCheckFailure(request.returnValuesOnConditionCheckFailureAsString());
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    /** Each put's part of what the transaction consumed (metrics and the access log show it per request). */
    private static ConsumedCapacity shareOf(List<ConsumedCapacity> consumed, int puts) {
        if (consumed == null || consumed.isEmpty()) {
            return null;
        }
        double units = 0;
        for (ConsumedCapacity capacity : consumed) {
            units += capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
        }
        double each = units / puts;
        return ConsumedCapacity.builder().tableName(consumed.get(0).tableName()).capacityUnits(each).writeCapacityUnits(each).build();
    }

    private static long approximateBytes(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += attribute.getKey().length() + approximateBytes(attribute.getValue());
        }
        return bytes;
    }

    private static long approximateBytes(AttributeValue value) {
        if (value.s() != null) {
            return 3L * value.s().length(); // UTF-8 takes at most 3 bytes per UTF-16 unit
        }
        if (value.n() != null) {
            return value.n().length();
        }
        if (value.b() != null) {
            return value.b().asByteArray().length;
        }
        long bytes = 1;
        if (value.hasM()) {
            bytes += approximateBytes(value.m());
        }
        if (value.hasL()) {
            for (AttributeValue element : value.l()) {
                bytes += approximateBytes(element);
            }
        }
        if (value.hasSs()) {
            for (String s : value.ss()) {
                bytes += 3L * s.length();
            }
        }
        return bytes;
    }

    /** Writes what is queued, then stops; later puts go straight to DynamoDB. */
    @Override
    public void close() {
        closing = true;
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending left; (left = queue.poll()) != null; ) {
            alone(left);
        }
    }
}
