package dev.dynamini.store;

import dev.dynamini.schema.InvalidSchemaException;
import dev.dynamini.store.CommitRejectedException.Reason;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One batch of {@link VersionedItems#batch}: its changes computed from the heads read, in order,
 * then committed all at once ({@link ItemRepository#commitAll}, one transaction), or not at all.
 *
 * <p>The changes apply as if one after the other, each seeing what the ones before it did: an
 * entry written after its collection's restore finds it live, one written after its delete finds
 * it deleted (404). Each follows its single-item write's rules ({@link ChangeRules},
 * {@link ContentRules}, {@link NameRules}): PUT on an id that never existed creates it, an entry
 * created (by POST or PUT) in a collection id that never existed creates that collection in the
 * same transaction, a create equal to the live item of its name answers that item and writes
 * nothing.
 *
 * <p>What one transaction cannot do is refused before anything is written: two changes of one
 * item (400), the same name claimed twice (409). A name one change gives up (a rename, a delete)
 * may be claimed by a later change of the batch, as one after the other would: names are released
 * lazily, and the transaction holds the first item to the version that gives the name up.
 *
 * <p>An entry change's content (not a delete's) must match its collection's JSON Schema: that of
 * the collection as an earlier change of the batch left it, else as read (400 schema_violation).
 *
 * <p>A failed judgement of a name register or condition of the transaction names its change. A
 * changed head, a conflict, a pending claim, or a collection deleted or a name freed meanwhile is
 * a race: the batch is read and computed again (bounded as {@link VersionedItems}' retries), and an
 * If-Match that no longer matches then answers 412. A name held by another live item is 409. Once
 * committed, each change is followed up as a single one is ({@link VersionedItems#batchCommitted}:
 * retention, the collections remembered).
 */
final class Batch {
    private final VersionedItems items;
    private final ItemRepository repository;
    private final Clock clock;
    private final List<BatchChange> changes;
    /** The item each change writes; for a create, the new id made for it once (every attempt writes the same). */
    private final ItemKey[] keys;
    /** Which change writes each item. */
    private final Map<ItemKey, Integer> changeOf = new HashMap<>();
    /** Creates found equal to the live item of their name: answered with it, nothing written. */
    private final Created[] settled;
    /** The content each restore with a version restores (versions never change), read once. */
    private final Map<Integer, Content> restoreSources = new HashMap<>();

    Batch(VersionedItems items, ItemRepository repository, IdGenerator ids, Clock clock, List<BatchChange> changes) {
        if (changes.isEmpty() || changes.size() > BatchChange.MAX_CHANGES) {
            throw new InvalidInputException("a batch holds 1 to " + BatchChange.MAX_CHANGES + " changes, not " + changes.size());
        }
        this.items = items;
        this.repository = repository;
        this.clock = clock;
        this.changes = List.copyOf(changes);
        this.keys = new ItemKey[changes.size()];
        this.settled = new Created[changes.size()];
        for (int i = 0; i < keys.length; i++) {
            BatchChange change = changes.get(i);
            keys[i] = change instanceof BatchChange.Create create ? create.scope().item(ids.next()) : keyOf(change);
            Integer earlier = changeOf.putIfAbsent(keys[i], i);
            if (earlier != null) {
                throw new BatchRejectedException(i, new InvalidInputException("change " + earlier + " changes " + keys[i].kind().label()
                        + " " + keys[i].id() + " too: an item can change only once in a batch (one transaction writes it once)"));
            }
        }
    }

    private static ItemKey keyOf(BatchChange change) {
        if (change instanceof BatchChange.Put put) {
            return put.key();
        }
        if (change instanceof BatchChange.Delete delete) {
            return delete.key();
        }
        return ((BatchChange.Restore) change).key();
    }

    List<Created> apply() {
        for (int attempt = 1; ; attempt++) {
            Plan plan = plan(clock.instant());
            if (plan.writes.isEmpty()) {
                return plan.results();
            }
            try {
                repository.commitAll(plan.writes);
                items.batchCommitted(plan.writes);
                return plan.results();
            } catch (CommitAllRejectedException rejected) {
                int blamed = plan.owners.get(rejected.index());
                CommitRejectedException why = rejected.rejection();
                if (why.reason() == Reason.NAME_TAKEN) {
                    Change clash = plan.writes.get(rejected.index());
                    Optional<Item> holder = items.liveHolder(clash.next().key().scope(), why.nameHolderId());
                    if (holder.isPresent()) {
                        boolean ownWrite = clash.next().key().equals(keys[blamed]);
                        if (ownWrite && changes.get(blamed) instanceof BatchChange.Create
                                && holder.get().content().sameAs(clash.next().content())) {
                            // an idempotent create: answered with the holder; the others go again without it
                            settled[blamed] = new Created(holder.get(), false);
                            continue;
                        }
                        throw new BatchRejectedException(blamed, new NameTakenException(holder.get()));
                    }
                    // the holder let go of the name since: try again
                }
                // otherwise a race (a changed head, a concurrent transaction, a pending claim, a
                // collection deleted meanwhile): read again; an If-Match or a deleted collection then answers
                try {
                    VersionedItems.pauseAfter(attempt, keys[blamed]);
                } catch (ContentionException e) {
                    throw new BatchRejectedException(blamed, e);
                }
            }
        }
    }

    /** Reads the heads the changes start from (one request), and computes every change in order. */
    private Plan plan(Instant now) {
        Set<ItemKey> wanted = new LinkedHashSet<>();
        for (int i = 0; i < keys.length; i++) {
            if (settled[i] != null) {
                continue;
            }
            if (!(changes.get(i) instanceof BatchChange.Create)) {
                wanted.add(keys[i]);
            }
            if (keys[i].kind() == Kind.ENTRY) {
                wanted.add(keys[i].scope().parent());
            }
        }
        Map<ItemKey, Item> heads = wanted.isEmpty() ? Map.of() : repository.headsOf(wanted);
        Plan plan = new Plan(keys.length, heads);
        Instant at = batchInstant(now, heads);
        for (int i = 0; i < keys.length; i++) {
            if (settled[i] != null) {
                plan.results[i] = settled[i];
                continue;
            }
            try {
                planChange(i, plan, at);
            } catch (InvalidInputException | InvalidSchemaException | SchemaViolationException | NotFoundException | TrimmedException
                    | VersionMismatchException | NameTakenException refused) {
                throw new BatchRejectedException(i, refused);
            }
        }
        plan.finish();
        return plan;
    }

    /**
     * The one instant of the batch's changes: now, or just after the newest head it changes if a
     * writer whose clock ran ahead stamped that one later. An item's versions always get later
     * stamps ({@link Item#nextStamp}); taken for the whole batch, not item by item, the stamps stay one.
     */
    private static Instant batchInstant(Instant now, Map<ItemKey, Item> heads) {
        Instant at = now;
        for (Item head : heads.values()) {
            at = head.nextStamp(at);
        }
        return at;
    }

    /** What change {@code i} writes, from the state the changes before it left; as its single-item write would. */
    private void planChange(int i, Plan plan, Instant now) {
        BatchChange change = changes.get(i);
        ItemKey key = keys[i];
        if (change instanceof BatchChange.Create create) {
            Content content = ChangeRules.created(key.kind(), create.body(), schemaCheck(key, plan));
            Item equal = plan.liveNamed(key.scope(), content.name());
            if (equal != null && equal.content().sameAs(content)) {
                plan.results[i] = new Created(equal, false); // written by an earlier change of this batch
                return;
            }
            Item first = Item.first(key, content, now);
            ItemKey parent = liveParent(i, plan, true, now);
            plan.write(i, new Change(null, first, null, content.name(), parent), true);
            return;
        }
        if (change instanceof BatchChange.Restore restore && restore.version().isPresent()) {
            restoreSources.computeIfAbsent(i, n -> items.version(key, restore.version().getAsLong()).content());
        }
        Item current = plan.state(key);
        if (change instanceof BatchChange.Put put) {
            ChangeRules.requireChange(key.kind(), put.patch());
            if (current == null) {
                if (put.ifMatch().isPresent() || put.existence() == Existence.MUST_EXIST) {
                    throw new NotFoundException(key.kind().label() + " " + key.id() + " not found, so If-Match cannot match");
                }
                Item first = Item.first(key, ChangeRules.createdByPut(key, put.patch(), schemaCheck(key, plan)), now);
                ItemKey parent = liveParent(i, plan, true, now);
                plan.write(i, new Change(null, first, null, first.content().name(), parent), true);
                return;
            }
            if (put.existence() == Existence.MUST_NOT_EXIST) {
                throw new VersionMismatchException("If-None-Match: * but " + key.kind().label() + " " + key.id() + " exists", current);
            }
            ChangeRules.requireMatch(put.ifMatch(), current);
            plan.update(i, current, ChangeRules.put(current, put.patch(), schemaCheck(key, plan), now), liveParent(i, plan, false, now));
            return;
        }
        if (current == null) {
            throw VersionedItems.notFound(key);
        }
        if (change instanceof BatchChange.Delete delete) {
            ChangeRules.requireMatch(delete.ifMatch(), current);
            plan.update(i, current, ChangeRules.delete(current, now), liveParent(i, plan, false, now));
        } else {
            BatchChange.Restore restore = (BatchChange.Restore) change;
            ChangeRules.requireMatch(restore.ifMatch(), current);
            Item next = ChangeRules.restore(current, Optional.ofNullable(restoreSources.get(i)), schemaCheck(key, plan), now);
            plan.update(i, current, next, liveParent(i, plan, false, now));
        }
    }

    /**
     * What an entry's new content must match: the JSON Schema of its collection as the changes
     * before left it, or as read (none for a collection, a collection without schema, or one that
     * does not exist yet).
     */
    private EntrySchemas.Check schemaCheck(ItemKey key, Plan plan) {
        return key.kind() == Kind.ENTRY ? items.schemaCheckOf(Optional.ofNullable(plan.state(key.scope().parent()))) : EntrySchemas.Check.NONE;
    }

    /**
     * The collection an entry change needs live (null for a collection change, or when this batch
     * creates it). As the changes before left it: deleted is 404; never existed is 404 too, except
     * for a create, which creates it named by its id (in this same transaction) as the single-item
     * routes do.
     */
    private ItemKey liveParent(int i, Plan plan, boolean mayCreate, Instant now) {
        Scope scope = keys[i].scope();
        if (scope.kind() != Kind.ENTRY) {
            return null;
        }
        ItemKey parent = scope.parent();
        Item state = plan.state(parent);
        if (state == null && mayCreate) {
            Integer explicit = changeOf.get(parent);
            if (explicit != null) {
                throw new InvalidInputException("collection " + parent.id() + " does not exist, so this change creates it (as an entry"
                        + " written into a collection id that never existed does); change " + explicit + " changes it too, and an item"
                        + " can change only once in a batch: put change " + explicit + " first");
            }
            Item first = Item.first(parent, ContentRules.validated(Kind.COLLECTION, new Content(parent.id(), null)), now);
            plan.write(i, new Change(null, first, null, parent.id(), null), false);
            return null;
        }
        if (state == null || state.deleted()) {
            throw VersionedItems.parentNotFound(scope);
        }
        return parent;
    }

    /** A name in a scope: one name register. */
    private record Name(Scope scope, String name) {
    }

    /** One attempt's changes, from the heads it read. */
    private static final class Plan {
        private final Map<ItemKey, Item> read;
        /** What the batch writes, in order; an implicit collection just before the entry that needs it. */
        final List<Change> writes = new ArrayList<>();
        /** The batch change each write belongs to. */
        final List<Integer> owners = new ArrayList<>();
        final Created[] results;
        private final Map<ItemKey, Item> written = new HashMap<>();
        private final Map<Name, Integer> claimedBy = new HashMap<>();
        private final Map<Name, Item> claimers = new HashMap<>();

        Plan(int size, Map<ItemKey, Item> read) {
            this.read = read;
            this.results = new Created[size];
        }

        /** The item as the batch has left it so far (null: it does not exist). */
        Item state(ItemKey key) {
            return written.containsKey(key) ? written.get(key) : read.get(key);
        }

        /** The item an earlier change of the batch wrote live with this name, or null. */
        Item liveNamed(Scope scope, String name) {
            return name == null ? null : claimers.get(new Name(scope, name));
        }

        void update(int owner, Item current, Item next, ItemKey liveParent) {
            write(owner, new Change(current, next, NameRules.released(current, next), NameRules.claimed(current, next), liveParent), true);
        }

        /** {@code own}: the change's own item (else a collection it creates implicitly). */
        void write(int owner, Change change, boolean own) {
            Scope scope = change.next().key().scope();
            if (change.claimName() != null) {
                Name name = new Name(scope, change.claimName());
                Integer other = claimedBy.putIfAbsent(name, owner);
                if (other != null) {
                    throw new NameTakenException("the name '" + change.claimName() + "' is claimed by change " + other + " of this batch too");
                }
                claimers.put(name, change.next());
            }
            writes.add(change);
            owners.add(owner);
            written.put(change.next().key(), change.next());
            if (own) {
                results[owner] = new Created(change.next(), change.previous() == null);
            }
        }

        /**
         * Drops the live-collection check of entries whose collection the batch writes itself:
         * that write's condition on the version read already holds it to the state the entries
         * were checked against (and a transaction may touch an item once).
         */
        void finish() {
            for (int p = 0; p < writes.size(); p++) {
                Change change = writes.get(p);
                if (change.liveParent() != null && written.containsKey(change.liveParent())) {
                    writes.set(p, new Change(change.previous(), change.next(), change.releaseName(), change.claimName(), null));
                }
            }
        }

        List<Created> results() {
            return Arrays.asList(results.clone());
        }
    }
}
