package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;
import static dev.dynamini.dynamo.ItemCodec.n;

import dev.dynamini.store.Change;
import dev.dynamini.store.CommitAllRejectedException;
import dev.dynamini.store.CommitRejectedException;
import dev.dynamini.store.CommitRejectedException.Reason;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A batch of changes written as one TransactWriteItems (docs/storage.md, "A batch: one
 * transaction"), where a single change goes through {@link CommitProtocol}'s separate writes.
 */
final class BatchTransaction {
    /** TransactWriteItems' limit. */
    static final int MAX_TRANSACTION_ITEMS = 100;

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final CommitBarrier commitBarrier;
    private final CommitProtocol protocol;
    private final BatchReads reads;

    BatchTransaction(MeteredDynamoDb dynamo, TableNames tables, CommitBarrier commitBarrier, CommitProtocol protocol, BatchReads reads) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.commitBarrier = commitBarrier;
        this.protocol = protocol;
        this.reads = reads;
    }

    /**
     * All the changes in one TransactWriteItems (docs/storage.md, "A batch: one transaction"):
     * each change's items as {@link CommitProtocol} writes a single change's (its name claim, its
     * version item, its head), with no pending state between them, and a check that each
     * collection whose entries change is live. The registers of the names claimed are read first
     * (one BatchGetItem) and judged by {@link CommitProtocol#claimInTransaction}; names given up
     * are released lazily, as by single changes: no register is deleted. A rejection names the
     * change (its index in the list) whose judgement or condition failed.
     */
    void commitAll(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        int items = transactionItems(changes);
        if (items > MAX_TRANSACTION_ITEMS) {
            throw new InvalidInputException("the batch needs " + items + " DynamoDB transaction items, more than the "
                    + MAX_TRANSACTION_ITEMS + " of one transaction (a change writes 2 or 3: its head, its version and the register of a"
                    + " name it claims; each collection whose entries change is checked once; an implicit collection adds 3):"
                    + " send it as smaller batches");
        }
        String token = CommitProtocol.newToken();
        Map<Stored, Map<String, AttributeValue>> registers = reads.getAll(changes.stream()
                .filter(change -> change.claimName() != null).map(this::claimedRegister).toList(), true);
        Transaction transaction = new Transaction();
        // name -> the item an earlier change takes off it
        Map<Stored, String> passed = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            transaction.change = i;
            try {
                writesOf(change, token, registers, passed, transaction);
            } catch (CommitRejectedException judged) {
                throw new CommitAllRejectedException(i, judged);
            }
            if (change.releaseName() != null) {
                Stored released = register(change.next().key(), change.releaseName());
                passed.put(released, change.next().key().id());
            }
        }
        try {
            transact(transaction);
        } catch (TransactionCanceledException cancelled) {
            Rejection rejection = Rejection.of(cancelled, transaction.reasons);
            rollForwardStalled(cancelled, transaction);
            throw new CommitAllRejectedException(transaction.changeAt.get(rejection.position()), rejection.exception());
        }
        // one read suffices: embedded, every table's COMMIT goes through the same queue
        awaitDurable(changes.get(changes.size() - 1));
    }

    /** How many items the transaction of these changes holds: 2 or 3 a change, and one check per collection. */
    private static int transactionItems(List<Change> changes) {
        Set<ItemKey> checked = new HashSet<>();
        int items = 0;
        for (Change change : changes) {
            items += 2 + (change.claimName() != null ? 1 : 0);
            if (change.liveParent() != null && checked.add(change.liveParent())) {
                items++;
            }
        }
        return items;
    }

    private Stored claimedRegister(Change change) {
        return register(change.next().key(), change.claimName());
    }

    private Stored register(ItemKey key, String name) {
        return new Stored(tables.of(key.kind()), KeyLayout.partition(key.scope()), KeyLayout.name(name));
    }

    /**
     * The transaction items of one change: the name claimed (judged against the register read),
     * the version item and the head (on condition of the version it was computed from), and for an
     * entry the check that its collection is live (once per collection in a transaction).
     */
    private void writesOf(Change change, String token, Map<Stored, Map<String, AttributeValue>> registers, Map<Stored, String> passed,
            Transaction transaction) {
        Item next = change.next();
        Kind kind = next.key().kind();
        if (change.claimName() != null) {
            Stored register = claimedRegister(change);
            // a register changed between the judgement and the transaction: look again
            transaction.add(TransactWriteItem.builder().put(protocol.claimInTransaction(next.key(), change.claimName(), next.version(), token,
                    registers.getOrDefault(register, Map.of()), passed.get(register))).build(), Reason.CONFLICT);
        }

        transaction.addVersion(TransactWriteItem.builder().put(protocol.versionInTransaction(next, token)).build(), kind);

        Put.Builder head = Put.builder().tableName(tables.of(kind)).item(ItemCodec.head(next));
        if (change.previous() == null) {
            head.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", KeyLayout.PK));
        } else {
            head.conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", ItemCodec.VERSION))
                    .expressionAttributeValues(Map.of(":expected", n(change.previous().version())));
        }
        transaction.add(TransactWriteItem.builder().put(head.build()).build(), Reason.ITEM_CHANGED);

        if (change.liveParent() != null && transaction.checkedParents.add(change.liveParent())) {
            ItemKey parent = change.liveParent();
            transaction.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                    .tableName(tables.collections())
                    .key(key(KeyLayout.partition(parent.scope()), KeyLayout.head(parent.id())))
                    .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#deleted)")
                    .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#deleted", ItemCodec.DELETED_AT))
                    .build()).build(), Reason.PARENT_NOT_LIVE);
        }
    }

    /** Version slots that another writer filled: its change is finished if it stalled, so the batch's next look does not meet the same slot. */
    private void rollForwardStalled(TransactionCanceledException cancelled, Transaction transaction) {
        if (!cancelled.hasCancellationReasons()) {
            return;
        }
        List<CancellationReason> reasons = cancelled.cancellationReasons();
        for (int i = 0; i < reasons.size() && i < transaction.writes.size(); i++) {
            Kind slot = transaction.versionKinds.get(i);
            Map<String, AttributeValue> there = reasons.get(i).item();
            if (slot != null && "ConditionalCheckFailed".equals(reasons.get(i).code()) && there != null && !there.isEmpty()) {
                protocol.slotTakenInTransaction(slot, there);
            }
        }
    }

    private void transact(Transaction transaction) {
        // the token makes the SDK's own retries of this call idempotent: if a first attempt
        // landed but its answer was lost, the retry succeeds instead of failing its conditions
        // (which would make the store write the change a second time)
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(transaction.writes)
                .clientRequestToken(UUID.randomUUID().toString())
                .build());
    }

    /** Only now may the batch be answered: a 2xx means durable. */
    private void awaitDurable(Change change) {
        ItemKey key = change.next().key();
        commitBarrier.awaitDurable(tables.of(key.kind()), key(KeyLayout.partition(key.scope()), KeyLayout.head(key.id())), change.next().version());
    }

    /** The items of one TransactWriteItems, what a failed condition of each means, and the change each belongs to. */
    private static final class Transaction {
        final List<TransactWriteItem> writes = new ArrayList<>();
        final List<Reason> reasons = new ArrayList<>();
        final List<Integer> changeAt = new ArrayList<>();
        /** By position: the kind of the version item there, null for other items. */
        final List<Kind> versionKinds = new ArrayList<>();
        /** Collections already checked live in this transaction: DynamoDB refuses two operations on one item. */
        final Set<ItemKey> checkedParents = new HashSet<>();
        /** The change whose items are being added. */
        int change;

        void add(TransactWriteItem write, Reason reason) {
            writes.add(write);
            reasons.add(reason);
            changeAt.add(change);
            versionKinds.add(null);
        }

        void addVersion(TransactWriteItem write, Kind kind) {
            add(write, Reason.ITEM_CHANGED);
            versionKinds.set(versionKinds.size() - 1, kind);
        }
    }
}
