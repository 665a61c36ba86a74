package dev.dynamini.dynamo;

import static dev.dynamini.dynamo.ItemCodec.key;
import static dev.dynamini.dynamo.ItemCodec.n;
import static dev.dynamini.dynamo.ItemCodec.s;

import dev.dynamini.store.Change;
import dev.dynamini.store.CommitRejectedException.Reason;
import dev.dynamini.store.CommitRejectedException;
import dev.dynamini.store.FeedPosition;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * One change as single-item conditional writes, no transaction (docs/storage.md, "The commit
 * protocol"), in this order:
 *
 * <ol>
 *   <li>claim the name the change gives the item, if any: the scope's register {@code N#<name>}
 *       then names this item, the version it will have, and this attempt's token;</li>
 *   <li>put the version item {@code V#<id>#<n>} on condition that its slot is empty: the commit
 *       record. Of two writers that read the same head, only one fills the slot;</li>
 *   <li>move the head to it, on condition that the head is still at version n-1.</li>
 * </ol>
 *
 * <p>A version whose head has not moved yet is <em>pending</em>: readers do not show it (the store
 * reads history up to the head only), and any later writer of the item, or a claimer of its name,
 * moves the head for it ({@link #rollForward}). A claim whose version slot stays empty past
 * {@code claimGrace} is abandoned: a claimer may fence the slot off against that attempt's token
 * and take the name over.
 *
 * <p>A batch writes the same items for each of its changes, in one transaction instead
 * ({@link #claimInTransaction}, {@link #versionInTransaction}): the claims it meets are judged by
 * the same rules ({@link #replaceable}) before the transaction is sent.
 */
final class CommitProtocol {
    /** Where a change can be cut short: the points a crash test interrupts. */
    enum Step { NAME_CLAIMED, VERSION_WRITTEN, HEAD_MOVED }

    /** Called after each step; tests throw from it to leave a change as a crash would. */
    @FunctionalInterface
    interface Probe {
        Probe NONE = (step, next) -> { };

        void after(Step step, Item next);
    }

    /** Rounds of reading and taking over one name register before the claim counts as contended. */
    private static final int CLAIM_ROUNDS = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MeteredDynamoDb dynamo;
    private final TableNames tables;
    private final CommitBarrier commitBarrier;
    private final Clock clock;
    private final Duration claimGrace;
    private final Probe probe;
    private final IndexedApplications indexed;

    /** {@code indexed}: the applications whose versions carry the keys of the change feed's, or the time, index. */
    CommitProtocol(MeteredDynamoDb dynamo, TableNames tables, CommitBarrier commitBarrier, Clock clock, Duration claimGrace, Probe probe,
            IndexedApplications indexed) {
        this.dynamo = dynamo;
        this.indexed = indexed;
        this.tables = tables;
        this.commitBarrier = commitBarrier;
        this.clock = clock;
        this.claimGrace = claimGrace;
        this.probe = probe;
    }

    void commit(Change change) {
        Item next = change.next();
        ItemKey key = next.key();
        String token = newToken();
        if (change.claimName() != null) {
            claim(key, change.claimName(), next.version(), token);
            probe.after(Step.NAME_CLAIMED, next);
        }
        writeVersion(next, token);
        probe.after(Step.VERSION_WRITTEN, next);
        try {
            moveHead(next, change.previous() == null ? 0 : change.previous().version());
        } catch (SdkException failed) {
            // past the commit record there is no "nothing was written" to answer
            throw new UnconfirmedCommitException(failed);
        }
        probe.after(Step.HEAD_MOVED, next);
        // only now may the change be answered: a 2xx means durable
        commitBarrier.awaitDurable(tables.of(key.kind()), headKey(key), next.version());
    }

    // ---- the version slot: the commit record ------------------------------------------------

    /** A version slot may be filled when it is empty, or fenced off against other attempts than this one. */
    private static final String SLOT_FREE = "attribute_not_exists(#pk) OR (attribute_exists(#fenced) AND NOT contains(#fenced, :token))";

    private void writeVersion(Item next, String token) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(tables.of(next.key().kind()))
                    .item(versionItem(next, token))
                    .conditionExpression(SLOT_FREE)
                    .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#fenced", ItemCodec.FENCED))
                    .expressionAttributeValues(Map.of(":token", s(token)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> there = taken.hasItem() ? taken.item() : Map.of();
            if (token.equals(stringOf(there, ItemCodec.WRITER))) {
                // this very put, landed on an earlier attempt whose answer was lost (the SDK retried)
                return;
            }
            throw slotTaken(next.key().kind(), there);
        }
    }

    /**
     * The version item, carrying the token of the attempt that writes it and, for an application that
     * keeps a change feed, its feed position (and, for a collection, its application's feed bucket),
     * which puts it in the feed indexes; for one whose as-of reads are indexed, its item and time,
     * which put it in {@code byItemTime}.
     */
    private Map<String, AttributeValue> versionItem(Item next, String token) {
        Map<String, AttributeValue> version = new HashMap<>(ItemCodec.version(next));
        version.put(ItemCodec.WRITER, s(token));
        Scope scope = next.key().scope();
        if (indexed.feed().contains(scope.application())) {
            version.put(KeyLayout.FEED_POSITION, s(FeedPosition.of(next)));
            if (next.key().kind() == Kind.COLLECTION) {
                version.put(KeyLayout.FEED_BUCKET, s(KeyLayout.feedBucket(scope.application(), scope.user())));
            }
        }
        if (indexed.asOf().contains(scope.application())) {
            version.put(KeyLayout.ITEM, s(KeyLayout.item(next.key())));
            version.put(KeyLayout.ITEM_TIME, s(KeyLayout.itemTime(next.updatedAt(), next.version())));
        }
        return version;
    }

    /**
     * What a version slot found filled (or fenced) by another attempt means: fenced, this attempt's
     * claim was judged abandoned and the change goes again; another writer's version, its change is
     * finished if it stalled (rolled forward) and the caller re-reads.
     */
    private CommitRejectedException slotTaken(Kind kind, Map<String, AttributeValue> there) {
        if (there.isEmpty() || ItemCodec.fenced(there)) {
            return new CommitRejectedException(Reason.CONFLICT, null);
        }
        rollForward(ItemCodec.decode(kind, there));
        return new CommitRejectedException(Reason.ITEM_CHANGED, null);
    }

    /**
     * Moves the head from version {@code from} (0: no head yet) to {@code next}. If it is no longer
     * at {@code from}, someone rolled this very version forward already (the slot was ours, so
     * nothing else could move the head past {@code from}), unless the item was purged meanwhile.
     */
    private void moveHead(Item next, long from) {
        if (putHead(next, from)) {
            return;
        }
        Optional<Item> head = readHead(next.key());
        if (head.isPresent() && head.get().version() >= next.version()) {
            return;
        }
        // the head went (a purge): take the version back, so that nothing hangs from a purged item
        dynamo.deleteItem(DeleteItemRequest.builder()
                .tableName(tables.of(next.key().kind()))
                .key(key(KeyLayout.partition(next.key().scope()), KeyLayout.version(next.key().id(), next.version())))
                .build());
        throw new CommitRejectedException(Reason.ITEM_CHANGED, null);
    }

    /**
     * A change feed's reader met a pending version (its writer stalled or crashed after writing it):
     * makes it the head, as its next writer would, and durable before the reader answers with it.
     */
    void rollForwardForReader(Item pending) {
        if (rollForward(pending)) {
            commitBarrier.awaitDurable(tables.of(pending.key().kind()), headKey(pending.key()), pending.version());
        }
    }

    /** Makes a pending version the head, if the head is still at the version before it. */
    private boolean rollForward(Item pending) {
        return putHead(pending, pending.version() - 1);
    }

    private boolean putHead(Item next, long from) {
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(tables.of(next.key().kind())).item(ItemCodec.head(next));
        if (from == 0) {
            put.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", KeyLayout.PK));
        } else {
            put.conditionExpression("#version = :from")
                    .expressionAttributeNames(Map.of("#version", ItemCodec.VERSION))
                    .expressionAttributeValues(Map.of(":from", n(from)));
        }
        try {
            dynamo.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    // ---- names ----------------------------------------------------------------------------------

    /** A register's content: who claimed the name, for which of its versions, when, by which attempt. */
    private record Claim(String holder, long version, String token, long claimedAtMillis, Map<String, AttributeValue> stored) {
        static Claim of(Map<String, AttributeValue> register) {
            AttributeValue version = register.get(ItemCodec.CLAIMED_VERSION);
            AttributeValue at = register.get(ItemCodec.CLAIMED_AT);
            return new Claim(register.get(ItemCodec.HOLDER).s(),
                    version == null ? 0 : Long.parseLong(version.n()),
                    stringOf(register, ItemCodec.CLAIM_TOKEN),
                    at == null ? 0 : Long.parseLong(at.n()),
                    register);
        }
    }

    private enum Standing { HELD, STALE, PENDING, CHANGED }

    /**
     * Claims {@code name} for version {@code version} of {@code key}. A register that names another
     * item is taken over only when that item does not hold the name (it was renamed or deleted
     * since: registers are released lazily), or when its claim was abandoned before its version
     * was written.
     */
    private void claim(ItemKey key, String name, long version, String token) {
        Scope scope = key.scope();
        Map<String, AttributeValue> register = registerItem(key, name, version, token);
        Claim replacing = null;
        for (int round = 1; round <= CLAIM_ROUNDS; round++) {
            try {
                dynamo.putItem(claimRequest(scope.kind(), register, replacing));
                return;
            } catch (ConditionalCheckFailedException held) {
                if (!held.hasItem() || held.item().isEmpty()) {
                    replacing = null; // released meanwhile: claim it as new
                    continue;
                }
                Claim current = Claim.of(held.item());
                if (token.equals(current.token())) {
                    return; // this claim, landed on an attempt whose answer was lost
                }
                replacing = replaceable(key, name, version, current) ? current : null;
            }
        }
        throw new CommitRejectedException(Reason.CONFLICT, null);
    }

    /**
     * The one judgement of a claim found in the way of claiming {@code name} for version
     * {@code version} of {@code key}, for single changes and batches alike: true if it is stale
     * and may be replaced (on condition that the register still holds exactly it); false if this
     * look changed it (rolled its version forward, or fenced it off), so the register must be read
     * again. A claim that stands is thrown as the change's rejection: held by another live item
     * ({@code NAME_TAKEN}), held by this item's own newer head ({@code ITEM_CHANGED}: the change
     * read an old head), pending within its grace ({@code CONFLICT}: try again later).
     */
    private boolean replaceable(ItemKey key, String name, long version, Claim current) {
        Standing standing = current.holder().equals(key.id()) && current.version() != version
                ? own(current, version)
                : standing(key.scope(), name, current);
        return switch (standing) {
            case HELD -> throw current.holder().equals(key.id())
                    // its own head has moved on, holding the name: this change read an old head
                    ? new CommitRejectedException(Reason.ITEM_CHANGED, null)
                    : new CommitRejectedException(Reason.NAME_TAKEN, current.holder());
            case STALE -> true;
            case PENDING -> throw new CommitRejectedException(Reason.CONFLICT, null);
            case CHANGED -> false;
        };
    }

    /** The register {@code N#<name>} naming version {@code version} of {@code key} as claimed by the attempt {@code token}. */
    private Map<String, AttributeValue> registerItem(ItemKey key, String name, long version, String token) {
        Map<String, AttributeValue> register = new HashMap<>(key(KeyLayout.partition(key.scope()), KeyLayout.name(name)));
        register.put(ItemCodec.HOLDER, s(key.id()));
        register.put(ItemCodec.CLAIMED_VERSION, n(version));
        register.put(ItemCodec.CLAIM_TOKEN, s(token));
        register.put(ItemCodec.CLAIMED_AT, n(clock.millis()));
        return register;
    }

    /** A condition expression with its names and values (values empty when it has none). */
    private record Condition(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    }

    /** A claim's condition: the register is absent ({@code replacing} null), or still exactly the claim judged stale. */
    private static Condition claimCondition(Claim replacing) {
        if (replacing == null) {
            return new Condition("attribute_not_exists(#pk)", Map.of("#pk", KeyLayout.PK), Map.of());
        }
        // exactly the claim that was judged, not one made since
        Map<String, String> names = Map.of("#holder", ItemCodec.HOLDER, "#token", ItemCodec.CLAIM_TOKEN);
        if (replacing.token() == null) {
            return new Condition("#holder = :holder AND attribute_not_exists(#token)", names, Map.of(":holder", s(replacing.holder())));
        }
        return new Condition("#holder = :holder AND #token = :token", names,
                Map.of(":holder", s(replacing.holder()), ":token", s(replacing.token())));
    }

    private PutItemRequest claimRequest(Kind kind, Map<String, AttributeValue> register, Claim replacing) {
        Condition condition = claimCondition(replacing);
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(tables.of(kind)).item(register)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .conditionExpression(condition.expression())
                .expressionAttributeNames(condition.names());
        if (!condition.values().isEmpty()) {
            put.expressionAttributeValues(condition.values());
        }
        return put.build();
    }

    /**
     * A claim of the same item for another version: an earlier version's is settled (its slot is
     * filled, as the head is past it) and may be renewed; a later one means this writer read an old
     * head. A claim for this same version (a concurrent writer's, or a crashed one's that this
     * change repeats) is judged like anyone's.
     */
    private static Standing own(Claim current, long version) {
        return current.version() < version ? Standing.STALE : Standing.PENDING;
    }

    /** How a claim of another item stands: held, stale, pending, or changed by this very look. */
    private Standing standing(Scope scope, String name, Claim claim) {
        ItemKey holder = scope.item(claim.holder());
        Optional<Item> head = readHead(holder);
        long at = head.map(Item::version).orElse(0L);
        if (at >= claim.version()) {
            boolean holds = head.isPresent() && head.get().live() && name.equals(head.get().content().name());
            return holds ? Standing.HELD : Standing.STALE;
        }
        // the holder's head is behind its claim: its version is pending, abandoned, or not written yet
        Map<String, AttributeValue> slot = readVersionSlot(holder, claim.version());
        if (!slot.isEmpty() && !ItemCodec.fenced(slot)) {
            if (rollForward(ItemCodec.decode(holder.kind(), slot)) || readHead(holder).map(Item::version).orElse(0L) >= claim.version()) {
                return Standing.CHANGED;
            }
            // a version that no head leads to (what a purge racing a write can leave): no claim rests on it
            return Standing.STALE;
        }
        if (!slot.isEmpty() && fencedAgainst(slot, claim.token())) {
            return Standing.STALE;
        }
        if (clock.millis() - claim.claimedAtMillis() < claimGrace.toMillis()) {
            return Standing.PENDING;
        }
        fence(holder, claim);
        return Standing.CHANGED;
    }

    /**
     * Marks the claim's version slot so that the attempt which made the claim can never fill it
     * (its token is in {@code fenced}); any other writer still can. The claim is then stale.
     */
    private void fence(ItemKey holder, Claim claim) {
        if (claim.token() == null) {
            return; // registers from before this protocol are never pending: their version is 0
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(tables.of(holder.kind()))
                    .key(key(KeyLayout.partition(holder.scope()), KeyLayout.version(holder.id(), claim.version())))
                    .updateExpression("ADD #fenced :token")
                    .conditionExpression("attribute_not_exists(#pk) OR attribute_exists(#fenced)")
                    .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#fenced", ItemCodec.FENCED))
                    .expressionAttributeValues(Map.of(":token", AttributeValue.builder().ss(claim.token()).build()))
                    .build());
        } catch (ConditionalCheckFailedException written) {
            // the version landed first: the next look rolls it forward
        }
    }

    private static boolean fencedAgainst(Map<String, AttributeValue> slot, String token) {
        AttributeValue fenced = slot.get(ItemCodec.FENCED);
        return token == null || (fenced != null && fenced.hasSs() && fenced.ss().contains(token));
    }

    // ---- a batch: the same items, in one transaction -------------------------------------------

    /**
     * The register put that claims {@code name} for version {@code version} of {@code key} in a
     * batch's one transaction (docs/storage.md, "A batch: one transaction"). The claim found in the
     * register ({@code found}: the register as read, strongly consistent; empty if there is none)
     * is judged as a single change judges it ({@link #replaceable}), and read again while looking
     * changes it; a claim that stands throws the change's rejection. The put's condition is that
     * the register is still as judged (absent, or exactly the stale claim): a claim made since
     * cancels the transaction, and the batch looks again.
     *
     * <p>{@code passedBy}: the id of an item that an earlier change of the same transaction takes
     * off this name (renamed or deleted; null if none). Its claim is replaced whatever it is: the
     * transaction holds that item's head to the version it was read at and fills its next slot, so
     * once the transaction lands that item cannot hold the name.
     */
    Put claimInTransaction(ItemKey key, String name, long version, String token, Map<String, AttributeValue> found, String passedBy) {
        Map<String, AttributeValue> register = found;
        for (int round = 1; round <= CLAIM_ROUNDS; round++) {
            if (register.isEmpty()) {
                return transactionClaim(key, name, version, token, null);
            }
            Claim current = Claim.of(register);
            if (current.holder().equals(passedBy) || replaceable(key, name, version, current)) {
                return transactionClaim(key, name, version, token, current);
            }
            register = readRegister(key.scope(), name);
        }
        throw new CommitRejectedException(Reason.CONFLICT, null);
    }

    private Put transactionClaim(ItemKey key, String name, long version, String token, Claim replacing) {
        Condition condition = claimCondition(replacing);
        Put.Builder put = Put.builder().tableName(tables.of(key.kind())).item(registerItem(key, name, version, token))
                .conditionExpression(condition.expression())
                .expressionAttributeNames(condition.names());
        if (!condition.values().isEmpty()) {
            put.expressionAttributeValues(condition.values());
        }
        return put.build();
    }

    /**
     * The version item of a batch's change, for its one transaction: as a single change writes it
     * (step 2), with the attempt's token and on condition that the slot is free; a failed condition
     * returns what fills the slot, for {@link #slotTakenInTransaction}.
     */
    Put versionInTransaction(Item next, String token) {
        return Put.builder().tableName(tables.of(next.key().kind())).item(versionItem(next, token))
                .conditionExpression(SLOT_FREE)
                .expressionAttributeNames(Map.of("#pk", KeyLayout.PK, "#fenced", ItemCodec.FENCED))
                .expressionAttributeValues(Map.of(":token", s(token)))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /**
     * A batch's transaction was cancelled on a version slot that another writer had filled: as a
     * single change's step 2, that writer's change is finished if it stalled (else the batch would
     * read the same head and fail on the same slot again), and the batch re-reads.
     */
    CommitRejectedException slotTakenInTransaction(Kind kind, Map<String, AttributeValue> there) {
        return slotTaken(kind, there);
    }

    // ---- reads of the protocol: always strongly consistent --------------------------------------

    private Optional<Item> readHead(ItemKey key) {
        Map<String, AttributeValue> found = dynamo.getItem(GetItemRequest.builder()
                .tableName(tables.of(key.kind())).key(headKey(key)).consistentRead(true).build()).item();
        return found == null || found.isEmpty() ? Optional.empty() : Optional.of(ItemCodec.decode(key.kind(), found));
    }

    private Map<String, AttributeValue> readRegister(Scope scope, String name) {
        Map<String, AttributeValue> found = dynamo.getItem(GetItemRequest.builder()
                .tableName(tables.of(scope.kind()))
                .key(key(KeyLayout.partition(scope), KeyLayout.name(name)))
                .consistentRead(true).build()).item();
        return found == null ? Map.of() : found;
    }

    private Map<String, AttributeValue> readVersionSlot(ItemKey key, long version) {
        Map<String, AttributeValue> found = dynamo.getItem(GetItemRequest.builder()
                .tableName(tables.of(key.kind()))
                .key(key(KeyLayout.partition(key.scope()), KeyLayout.version(key.id(), version)))
                .consistentRead(true).build()).item();
        return found == null ? Map.of() : found;
    }

    private static Map<String, AttributeValue> headKey(ItemKey key) {
        return key(KeyLayout.partition(key.scope()), KeyLayout.head(key.id()));
    }

    private static String stringOf(Map<String, AttributeValue> map, String name) {
        AttributeValue v = map.get(name);
        return v == null ? null : v.s();
    }

    /** 96 random bits, URL-safe: unique per attempt (a batch's one transaction is one attempt), short enough to cost nothing in item size. */
    static String newToken() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
