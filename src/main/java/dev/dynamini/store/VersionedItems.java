package dev.dynamini.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioning model, the same for collections and entries: every change writes a new version
 * numbered one above the last, as one atomic commit conditioned on the version it was computed
 * from; deletes are versions too; names are unique among a scope's live items.
 *
 * <p>A writer that loses a race re-reads and tries again (bounded, with jitter), so concurrent
 * writers without If-Match each get their own version and none is lost. With If-Match the write
 * fails with {@link VersionMismatchException} instead.
 */
public final class VersionedItems {
    static final int MAX_ATTEMPTS = 64;
    private static final Logger LOG = LoggerFactory.getLogger(VersionedItems.class);

    private final ItemRepository repository;
    private final IdGenerator ids;
    private final Clock clock;
    private final Cursors cursors;
    private final LiveCollections collections;
    private final Duration writeSettle;
    /** Retention by application; an application not in it keeps every version. */
    private final Map<String, RetentionPolicy> retention;
    private final EntrySchemas schemas = new EntrySchemas();

    /**
     * {@code writeSettle}: how long an entry write may take from checking that its collection is
     * live to its last DynamoDB write; a purge waits that long (plus the time {@code collections}
     * may remember a collection as live) after deleting a collection before it sweeps the entries.
     */
    public VersionedItems(ItemRepository repository, IdGenerator ids, Clock clock, Cursors cursors,
            LiveCollections collections, Duration writeSettle, Map<String, RetentionPolicy> retention) {
        this.repository = repository;
        this.ids = ids;
        this.clock = clock;
        this.cursors = cursors;
        this.collections = collections;
        this.writeSettle = writeSettle;
        this.retention = Map.copyOf(retention);
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Creates an item with a new id. If a live item of the scope already has the name and the same
     * content, that item is returned and nothing is written (idempotent create); with other content
     * it is a clash.
     */
    public Created create(Scope scope, ContentPatch body) {
        Content content = ChangeRules.created(scope.kind(), body, schemaCheckFor(scope));
        ItemKey key = scope.item(ids.next());
        Created created = insert(key, content, true);
        if (created == null) {
            throw new IllegalStateException("a new id was already taken: " + key);
        }
        return created;
    }

    /**
     * PUT: a new version of the item with the patch applied; or, for an id that never existed, the
     * item created with that id (as dynamodb-mini did; a collection without a name is named by its
     * id). {@link Existence#MUST_NOT_EXIST} makes an existing item a {@link VersionMismatchException};
     * {@link Existence#MUST_EXIST} (like an If-Match version) a missing one a {@link NotFoundException}.
     */
    public Created put(ItemKey key, ContentPatch patch, OptionalLong ifMatch, Existence existence) {
        ChangeRules.requireChange(key.kind(), patch);
        EntrySchemas.Check schemaCheck = schemaCheckFor(key.scope());
        for (int attempt = 1; ; attempt++) {
            Optional<Item> current = repository.head(key);
            if (current.isEmpty()) {
                if (ifMatch.isPresent() || existence == Existence.MUST_EXIST) {
                    throw new NotFoundException(key.kind().label() + " " + key.id() + " not found, so If-Match cannot match");
                }
                Created created = insert(key, ChangeRules.createdByPut(key, patch, schemaCheck), false);
                if (created != null) {
                    return created;
                }
                // created by someone else meanwhile: it is an update now (or a 412 for create-only)
            } else if (existence == Existence.MUST_NOT_EXIST) {
                throw new VersionMismatchException("If-None-Match: * but " + key.kind().label() + " " + key.id() + " exists", current.get());
            } else {
                Item known = current.get();
                return new Created(change(key, ifMatch, known, item -> ChangeRules.put(item, patch, schemaCheck, now())), false);
            }
            pauseAfter(attempt, key);
        }
    }

    /**
     * Writes the first version of {@code key}; null if the id is taken (by a concurrent writer). An
     * entry written into a collection id that never existed creates that collection first, named by
     * its id, as dynamodb-mini had no such check; a deleted collection refuses (404).
     */
    private Created insert(ItemKey key, Content content, boolean idempotent) {
        Scope scope = key.scope();
        for (int attempt = 1; ; attempt++) {
            // stamped at each attempt: an entry never predates the implicit collection made for it
            Item first = Item.first(key, content, now());
            try {
                requireLiveParent(scope);
                commit(new Change(null, first, null, content.name(), liveParentOf(scope)));
                return new Created(first, true);
            } catch (CommitRejectedException rejected) {
                switch (rejected.reason()) {
                    case PARENT_NOT_LIVE -> createImplicitParent(scope);
                    case NAME_TAKEN -> {
                        Optional<Item> holder = liveHolder(scope, rejected.nameHolderId());
                        if (holder.isPresent()) {
                            if (idempotent && holder.get().content().sameAs(content)) {
                                return new Created(holder.get(), false);
                            }
                            throw new NameTakenException(holder.get());
                        }
                        // the holder let go of the name since: try again
                    }
                    case ITEM_CHANGED -> {
                        return null;
                    }
                    case CONFLICT -> {
                        // a concurrent transaction on the same name: try again
                    }
                }
            }
            pauseAfter(attempt, key);
        }
    }

    private void commit(Change change) {
        repository.commit(change);
        if (change.next().key().kind() == Kind.COLLECTION) {
            collections.saw(change.next());
        }
    }

    /**
     * An entry's change needs its collection live (the commit does not check it: docs/storage.md);
     * a collection that never existed makes the commit's caller create it, as a rejected
     * transaction would.
     */
    private void requireLiveParent(Scope scope) {
        if (scope.kind() != Kind.ENTRY) {
            return;
        }
        Optional<Boolean> live = collections.state(scope.parent());
        if (live.isEmpty() || !live.get()) {
            throw new CommitRejectedException(CommitRejectedException.Reason.PARENT_NOT_LIVE, null);
        }
    }

    /** The collection of an entry scope, created named by its id if it never existed; 404 if deleted. */
    private void createImplicitParent(Scope entries) {
        ItemKey parent = entries.parent();
        Optional<Item> existing = repository.head(parent);
        existing.ifPresent(collections::saw);
        if (existing.isPresent()) {
            if (existing.get().deleted()) {
                throw parentNotFound(entries);
            }
            return; // live now: the entry's write goes again
        }
        insert(parent, new Content(parent.id(), null), false);
    }

    /**
     * PATCH: a new version whose content is {@code edit} applied to the latest one; the edit is
     * applied again to the new latest version if a concurrent writer got there first, and may
     * throw to write nothing. Same rules, register and retries as {@link #put}.
     */
    public Item patch(ItemKey key, UnaryOperator<Content> edit, OptionalLong ifMatch) {
        EntrySchemas.Check schemaCheck = schemaCheckFor(key.scope());
        return change(key, ifMatch, current -> {
            requireLive(current);
            return current.next(schemaCheck.check(ContentRules.validated(key.kind(), edit.apply(current.content()))), now(), false);
        });
    }

    /** Soft-deletes: a new version that keeps the content and carries {@code deletedAt}. */
    public Item delete(ItemKey key, OptionalLong ifMatch) {
        return change(key, ifMatch, current -> ChangeRules.delete(current, now()));
    }

    /**
     * Writes a new, live version with the content of version {@code version}; by default the newest
     * version that is not a delete. A delete version keeps the content it deleted, so that default
     * is always the latest version's content.
     */
    public Item restore(ItemKey key, OptionalLong version, OptionalLong ifMatch) {
        Optional<Content> source = Optional.empty();
        if (version.isPresent()) {
            long n = version.getAsLong();
            source = Optional.of(repository.version(key, n).orElseThrow(() -> versionMissing(key, n)).content());
        }
        Optional<Content> chosen = source;
        EntrySchemas.Check schemaCheck = schemaCheckFor(key.scope());
        return change(key, ifMatch, current -> ChangeRules.restore(current, chosen, schemaCheck, now()));
    }

    private Item change(ItemKey key, OptionalLong ifMatch, UnaryOperator<Item> nextOf) {
        return change(key, ifMatch, null, nextOf);
    }

    /** {@code known}: the head the caller has just read (one read fewer), or null. */
    private Item change(ItemKey key, OptionalLong ifMatch, Item known, UnaryOperator<Item> nextOf) {
        for (int attempt = 1; ; attempt++) {
            Item current = attempt == 1 && known != null ? known : repository.head(key).orElseThrow(() -> notFound(key));
            if (ifMatch.isPresent() && ifMatch.getAsLong() != current.version()) {
                throw new VersionMismatchException(ifMatch.getAsLong(), current);
            }
            Item next = nextOf.apply(current);
            try {
                requireLiveParent(key.scope());
                commit(new Change(current, next, NameRules.released(current, next), NameRules.claimed(current, next), liveParentOf(key.scope())));
                applyRetention(current, next);
                return next;
            } catch (CommitRejectedException rejected) {
                switch (rejected.reason()) {
                    case PARENT_NOT_LIVE -> throw parentNotFound(key.scope());
                    case NAME_TAKEN -> {
                        Optional<Item> holder = liveHolder(key.scope(), rejected.nameHolderId());
                        if (holder.isPresent()) {
                            throw new NameTakenException(holder.get());
                        }
                    }
                    case ITEM_CHANGED, CONFLICT -> {
                        // someone else wrote first: re-read; with If-Match that read answers 412
                    }
                }
            }
            pauseAfter(attempt, key);
        }
    }

    // ---- the entries' JSON Schema ----------------------------------------------------------------

    /**
     * The one hook between entry writes and their collection's JSON Schema: the check that the
     * content an entry write (create, PUT, PATCH, restore; never a delete) makes must pass, from the
     * collection's head as {@link LiveCollections} has it (read at most once per its ttl; nothing
     * for collections, whose check passes everything). Taken once per write, not per retry: a
     * schema changed meanwhile is not seen by that write (docs/storage.md).
     */
    private EntrySchemas.Check schemaCheckFor(Scope scope) {
        return scope.kind() == Kind.ENTRY ? schemaCheckOf(collections.head(scope.parent())) : EntrySchemas.Check.NONE;
    }

    /**
     * The check of entry writes into the collection whose head is {@code collection} (a batch
     * passes the head as its earlier changes left it, or as it read it), with the compiled schemas
     * cached as for single writes.
     */
    EntrySchemas.Check schemaCheckOf(Optional<Item> collection) {
        return schemas.checkFor(collection);
    }

    // ---- erasure ------------------------------------------------------------------------------

    /**
     * Removes an item for good: its versions first, then its head and name register in one
     * conditional write, so that the item reads complete until it vanishes at once, and a purge cut
     * short leaves the head for the next purge to find (docs/storage.md). A write racing the purge
     * moves the head on, which fails the last step: the versions it added go too and the head is
     * tried again. A write after the head is gone creates a fresh item (PUT creates). Purging what
     * is gone removes nothing and is no error.
     */
    public Purged purge(ItemKey key) {
        long versions = 0;
        for (int attempt = 1; ; attempt++) {
            Optional<Item> head = repository.head(key);
            versions += repository.purgeVersions(key);
            if (head.isEmpty()) {
                return new Purged(0, versions);
            }
            if (repository.purgeHead(head.get())) {
                return new Purged(1, versions);
            }
            pauseAfter(attempt, key);
        }
    }

    /**
     * Removes a collection and all its entries for good. A live collection is soft-deleted first:
     * that one version stops every entry write (they check the collection is live), and once the
     * writes that checked before it have had time to finish ({@link #settleAfterDelete}), the sweep
     * of the entries cannot miss one written behind it; readers see an ordinary deleted collection
     * meanwhile. The head goes last, on condition that nobody restored it since; so a purge cut
     * short always leaves the head, which a user purge lists and a repeated purge finishes.
     */
    public Purged purgeCollection(ItemKey collection) {
        Scope entries = Scope.entriesOf(collection.scope().application(), collection.scope().user(), collection.id());
        Purged purged = Purged.NOTHING;
        for (int attempt = 1; ; attempt++) {
            Optional<Item> head = softDeleted(collection);
            if (head == null) {
                pauseAfter(attempt, collection);
                continue;
            }
            head.ifPresent(this::settleAfterDelete);
            purged = purged.plus(repository.purgeScope(entries)).plus(new Purged(0, repository.purgeVersions(collection)));
            collections.forget(collection);
            if (head.isEmpty()) {
                return purged;
            }
            if (repository.purgeHead(head.get())) {
                return purged.plus(new Purged(1, 0));
            }
            pauseAfter(attempt, collection);
        }
    }

    /** The collection's head, deleted now if it was live; null if a concurrent write got in the way. */
    private Optional<Item> softDeleted(ItemKey collection) {
        Optional<Item> head = repository.head(collection);
        if (head.isPresent() && head.get().live()) {
            try {
                return Optional.of(delete(collection, OptionalLong.of(head.get().version())));
            } catch (VersionMismatchException | NotFoundException changed) {
                return null;
            }
        }
        return head;
    }

    /**
     * Waits until every entry write that saw the collection live before {@code deleted} has
     * finished: such a write may still rely on what this or another instance remembered for the
     * {@link LiveCollections#ttl()}, then take up to {@code writeSettle} to write.
     */
    private void settleAfterDelete(Item deleted) {
        Instant settled = deleted.updatedAt().plus(collections.ttl()).plus(writeSettle);
        long wait = Duration.between(now(), settled).toMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContentionException(deleted.key(), 1);
            }
        }
    }

    /**
     * Removes every collection of a user and all their entries. Collections are found by their
     * heads, which each collection purge removes last; passes repeat until one finds none, so a
     * collection created while the first pass ran goes as well. Each page of collections is
     * soft-deleted before any of it is swept, so that their settling times overlap.
     */
    public Purged purgeUser(String application, String user) {
        Scope collections = Scope.collectionsOf(application, user);
        Purged purged = Purged.NOTHING;
        boolean found = true;
        while (found) {
            found = false;
            Iterator<List<Item>> pages = repository.heads(collections, null, ItemRepository.EVERYTHING, false);
            while (pages.hasNext()) {
                List<Item> page = pages.next();
                found |= !page.isEmpty();
                page.forEach(collection -> softDeleted(collection.key()));
                for (Item collection : page) {
                    purged = purged.plus(purgeCollection(collection.key()));
                }
            }
        }
        return purged;
    }

    // ---- batches ----------------------------------------------------------------------------------

    /**
     * Applies up to {@link BatchChange#MAX_CHANGES} changes as one: all of them, or none (one
     * {@link ItemRepository#commitAll}). Each follows the rules of its single-item write; the
     * results are in the changes' order. A change that cannot apply refuses the whole batch with
     * {@link BatchRejectedException} naming it. How: {@link Batch}.
     */
    public List<Created> batch(List<BatchChange> changes) {
        return new Batch(this, repository, ids, clock, changes).apply();
    }

    /**
     * After a batch's transaction: what {@link #commit} and {@link #change} do after a single
     * change, for each of its changes. The collections it wrote are remembered as written, and each
     * change of an item that had a version before marks the version it pushed out of retention
     * (best effort, as after a single change).
     */
    void batchCommitted(List<Change> written) {
        for (Change change : written) {
            if (change.next().key().kind() == Kind.COLLECTION) {
                collections.saw(change.next());
            }
        }
        for (Change change : written) {
            if (change.previous() != null) {
                applyRetention(change.previous(), change.next());
            }
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * {@link #read(ItemKey, Filter)} as things were at {@code asOf}: the versions written then or
     * before. An item created after it is not found; one deleted before it is deleted.
     */
    public Listing read(ItemKey key, Filter filter, Optional<Instant> asOf) {
        if (asOf.isEmpty()) {
            return read(key, filter);
        }
        Instant then = asOf.get();
        Item head = repository.head(key).orElseThrow(() -> notFound(key));
        Item at = versionAt(head, then).orElseThrow(() -> notFound(key));
        if (filter == Filter.ALL) {
            FirstItem oldest = new FirstItem(repository.versionsOf(key, null, ItemRepository.EVERYTHING, Order.ASC));
            Iterator<List<Item>> versions = Pages.map(oldest,
                    version -> version.updatedAt().isAfter(then) ? Optional.empty() : Optional.of(version));
            return Listing.streamed(versions.hasNext() ? versions.next() : List.of(), versions, OptionalLong.of(at.version()))
                    .withHistoryTrimmed(oldest.trimmed());
        }
        boolean visible = filter == Filter.CURRENT || (at.live() && (key.kind() != Kind.ENTRY || parentLiveAt(key.scope(), then)));
        if (!visible) {
            throw notFound(key);
        }
        return Listing.of(List.of(at), Optional.empty(), OptionalLong.of(at.version()));
    }

    /**
     * The version of the item that was the latest at {@code then}: the head if it is no newer,
     * else the newest older version, read back from the newest down (so the cost grows with the
     * versions written since, not with the whole history); empty if the item did not exist yet.
     * Versions are numbered without gaps, so a gap in the numbers read is versions retention
     * removed: when the version of then may be among them, {@link TrimmedException}.
     */
    private Optional<Item> versionAt(Item head, Instant then) {
        if (!head.updatedAt().isAfter(then)) {
            return Optional.of(head);
        }
        if (head.createdAt().isAfter(then)) {
            return Optional.empty();
        }
        long expected = head.version();
        Iterator<List<Item>> newestFirst = repository.versionsOf(head.key(), null, ItemRepository.EVERYTHING, Order.DESC);
        while (newestFirst.hasNext()) {
            for (Item version : newestFirst.next()) {
                if (!version.updatedAt().isAfter(then)) {
                    if (version.version() != expected) {
                        throw trimmedAt(head.key(), then);
                    }
                    return Optional.of(version);
                }
                expected = version.version() - 1;
            }
        }
        if (expected < 1) {
            return Optional.empty(); // every version read, none as old (times that were imported so)
        }
        // it existed then (createdAt), yet no version of then or before is left
        throw trimmedAt(head.key(), then);
    }

    /** {@link #versionAt}, leaving out an item whose state then was removed by retention (lists). */
    private Optional<Item> versionAtIfKept(Item head, Instant then) {
        try {
            return versionAt(head, then);
        } catch (TrimmedException trimmed) {
            return Optional.empty();
        }
    }

    private boolean parentLiveAt(Scope entries, Instant then) {
        return repository.head(entries.parent()).flatMap(head -> versionAt(head, then)).filter(Item::live).isPresent();
    }

    /**
     * One item by the {@code filter} of dynamodb-mini: its latest live version, its latest version
     * or all of its versions; {@link NotFoundException} if that is nothing. An entry of a deleted
     * collection has no latest live version.
     */
    public Listing read(ItemKey key, Filter filter) {
        if (filter == Filter.ALL) {
            return allVersions(key);
        }
        Item item = (filter == Filter.LATEST ? latestLive(key) : repository.head(key)).orElseThrow(() -> notFound(key));
        return Listing.of(List.of(item), Optional.empty(), OptionalLong.of(item.version()));
    }

    private Optional<Item> latestLive(ItemKey key) {
        Optional<Item> head = repository.head(key).filter(Item::live);
        if (key.kind() == Kind.ENTRY && head.isPresent() && !collections.live(key.scope().parent())) {
            return Optional.empty();
        }
        return head;
    }

    private Listing allVersions(ItemKey key) {
        FirstItem versions = new FirstItem(repository.versionsOf(key, null, ItemRepository.EVERYTHING, Order.ASC));
        List<Item> first = versions.hasNext() ? versions.next() : List.of();
        if (first.isEmpty() && !versions.hasNext()) {
            throw notFound(key);
        }
        // the ETag is the latest version, the last one listed; a history longer than one DynamoDB
        // page is sent before its end is read, so then the head tells it (one more read, for such
        // histories only)
        long latest = versions.hasNext()
                ? repository.head(key).orElseThrow(() -> notFound(key)).version()
                : first.get(first.size() - 1).version();
        return Listing.streamed(first, versions, OptionalLong.of(latest)).withHistoryTrimmed(versions.trimmed());
    }

    /** The items of a scope, in creation order (then version order for {@link Filter#ALL}). */
    /**
     * {@link #list(Scope, Filter, PageRequest)} as the scope was at {@code asOf}: every item's
     * version at that instant (one read per item, plus the versions written since for the items
     * changed since), items created later left out. Its cursors belong to that instant.
     */
    public Listing list(Scope scope, Filter filter, PageRequest page, Optional<Instant> asOf) {
        if (asOf.isEmpty()) {
            return list(scope, filter, page);
        }
        Instant then = asOf.get();
        String listing = scope.describe() + "|" + filter + "|asOf=" + then.toEpochMilli();
        Position after = page.cursor() == null ? null : cursors.decode(listing, page.cursor());
        if (filter == Filter.LATEST && scope.kind() == Kind.ENTRY && !parentLiveAt(scope, then)) {
            return Listing.empty();
        }
        // items drop out, so the repository's pages are read until the page is full, not counted
        Iterator<List<Item>> pages = switch (filter) {
            case LATEST, CURRENT -> Pages.map(repository.heads(scope, after, ItemRepository.EVERYTHING, false),
                    head -> versionAtIfKept(head, then).filter(at -> filter == Filter.CURRENT || at.live()));
            case ALL -> Pages.map(repository.versionsInScope(scope, after, ItemRepository.EVERYTHING),
                    version -> version.updatedAt().isAfter(then) ? Optional.empty() : Optional.of(version));
        };
        return listingOf(listing, pages, page);
    }

    public Listing list(Scope scope, Filter filter, PageRequest page) {
        String listing = scope.describe() + "|" + filter;
        Position after = page.cursor() == null ? null : cursors.decode(listing, page.cursor());
        if (filter == Filter.LATEST && scope.kind() == Kind.ENTRY && !parentLive(scope)) {
            return Listing.empty();
        }
        int wanted = page.itemsToRead();
        Iterator<List<Item>> pages = switch (filter) {
            case LATEST -> repository.heads(scope, after, wanted, true);
            case CURRENT -> repository.heads(scope, after, wanted, false);
            case ALL -> repository.versionsInScope(scope, after, wanted);
        };
        return listingOf(listing, pages, page);
    }

    /**
     * The live item of the scope with that name, if any (as a list, like every listing). Names are
     * unique per user, so across a whole application there may be several: those are found by
     * reading the application's live collection heads, not through the name register.
     */
    public Listing findByName(Scope scope, String name) {
        if (scope.wholeApplication()) {
            List<Item> found = new ArrayList<>();
            repository.heads(scope, null, ItemRepository.EVERYTHING, true).forEachRemaining(page -> page.stream()
                    .filter(item -> name.equals(item.content().name()))
                    .forEach(found::add));
            return Listing.of(found, Optional.empty(), OptionalLong.empty());
        }
        if (scope.kind() == Kind.ENTRY && !parentLive(scope)) {
            return Listing.empty();
        }
        return Listing.of(repository.nameHolder(scope, name)
                .flatMap(id -> repository.head(scope.item(id)))
                .filter(item -> item.live() && name.equals(item.content().name()))
                .map(List::of)
                .orElse(List.of()), Optional.empty(), OptionalLong.empty());
    }

    /**
     * The versions of one item, deleted ones included. Whether retention removed its oldest versions
     * is seen for free on the first page in ascending order (it does not start at version 1); on
     * other pages it takes one read of version 1, and only for applications with retention.
     */
    public Listing history(ItemKey key, Order order, PageRequest page) {
        String listing = key.scope().describe() + "|" + key.id() + "|versions|" + order;
        Position after = page.cursor() == null ? null : cursors.decode(listing, page.cursor());
        FirstItem read = new FirstItem(repository.versionsOf(key, after, page.itemsToRead(), order));
        Listing versions = listingOf(listing, read, page);
        if (versions.isEmpty() && after == null) {
            throw notFound(key);
        }
        boolean trimmed;
        if (order == Order.ASC && after == null) {
            trimmed = read.trimmed();
        } else {
            RetentionPolicy policy = retention.get(key.scope().application());
            trimmed = policy != null && !policy.keepsAll() && repository.version(key, 1).isEmpty();
        }
        return versions.withHistoryTrimmed(trimmed);
    }

    /** One version: 410 if retention removed it, 404 if the item never had it. */
    public Item version(ItemKey key, long version) {
        return repository.version(key, version).orElseThrow(() -> versionMissing(key, version));
    }

    // ---- retention ------------------------------------------------------------------------------

    /**
     * After a change is committed: marks the one version that the change pushed out of the item's
     * retention to expire (docs/storage.md#retention). Version n+1 written at t:
     * <ul>
     *   <li>last N versions: version n+1-N falls out; it expires at t;
     *   <li>D days: version n was the latest until t; it expires at t + D;
     *   <li>both: version n+1-N falls out of the last N; it expires D days after it stopped being
     *       the latest (when version n+2-N was written), or at t if that is past.
     * </ul>
     * One conditional write, on the version item only (never the head; the repository never marks a
     * deleting version). With both rules and N of 3 or more, one read of version n+2-N for its
     * time; for entries of an application with rules by collection name, one read of the
     * collection for its name.
     *
     * <p>Best effort, once the change is durable: a failure here, or a crash before it, leaves
     * that version unmarked, kept for good, and the change is answered all the same.
     */
    private void applyRetention(Item previous, Item next) {
        RetentionPolicy policy = retention.get(next.key().scope().application());
        if (policy == null || policy.keepsAll()) {
            return;
        }
        ItemKey key = next.key();
        try {
            Retention rule = ruleFor(policy, key);
            if (rule.keepsAll()) {
                return;
            }
            Instant now = next.updatedAt();
            long version;
            Instant at;
            if (rule.versions().isPresent()) {
                version = next.version() - rule.versions().getAsLong();
                if (version < 1) {
                    return;
                }
                at = now;
                if (rule.days().isPresent()) {
                    Instant keptUntil = replacedAt(key, version, previous, next).plus(rule.keepFor());
                    at = keptUntil.isAfter(now) ? keptUntil : now;
                }
            } else {
                version = previous.version();
                at = now.plus(rule.keepFor());
            }
            if (version == previous.version() && previous.deleted()) {
                return; // deleting versions are kept; no write needed to learn it
            }
            repository.expire(key, version, at);
        } catch (RuntimeException e) {
            // no ids: logs never carry them
            LOG.warn("retention: could not mark a superseded {} version to expire, so it is kept: {}", key.kind().label(), e.toString());
        }
    }

    /** When {@code version} stopped being the latest: when the version after it was written. */
    private Instant replacedAt(ItemKey key, long version, Item previous, Item next) {
        long following = version + 1;
        if (following == next.version()) {
            return next.updatedAt();
        }
        if (following == previous.version()) {
            return previous.updatedAt();
        }
        // not found (a race with a purge): now, which keeps the version longer, never shorter
        return repository.version(key, following).map(Item::updatedAt).orElse(next.updatedAt());
    }

    /** Collections follow the application's rule; entries the rule of their collection's name. */
    private Retention ruleFor(RetentionPolicy policy, ItemKey key) {
        if (key.kind() == Kind.COLLECTION || policy.byCollectionName().isEmpty()) {
            return policy.defaults();
        }
        String name = collections.head(key.scope().parent()).map(collection -> collection.content().name()).orElse(null);
        return policy.forEntriesOf(name);
    }

    /** A version that cannot be read: 410 if the item had it (retention removed it), else 404. */
    private RuntimeException versionMissing(ItemKey key, long version) {
        Optional<Item> head = repository.head(key);
        if (head.isPresent() && version >= 1 && version < head.get().version()) {
            return new TrimmedException(key.kind().label() + " " + key.id() + " version " + version
                    + " is no longer kept: it was removed by the application's retention of old versions");
        }
        return new NotFoundException(key.kind().label() + " " + key.id() + " has no version " + version);
    }

    private static TrimmedException trimmedAt(ItemKey key, Instant then) {
        return new TrimmedException(key.kind().label() + " " + key.id() + " as of " + then
                + " is no longer known: the versions of that time were removed by the application's retention of old versions");
    }

    /**
     * A listing's pages, noting the first item read: a listing of one item's versions that starts
     * at the oldest tells that its history was trimmed when it does not start at version 1 (or
     * when its first page came back empty: retention's filter dropped it all).
     */
    private static final class FirstItem implements Iterator<List<Item>> {
        private final Iterator<List<Item>> pages;
        private boolean pageRead;
        private Item first;

        FirstItem(Iterator<List<Item>> pages) {
            this.pages = pages;
        }

        @Override
        public boolean hasNext() {
            return pages.hasNext();
        }

        @Override
        public List<Item> next() {
            if (!pages.hasNext()) {
                throw new NoSuchElementException();
            }
            List<Item> page = pages.next();
            if (first == null && !page.isEmpty()) {
                first = page.get(0);
            }
            pageRead = true;
            return page;
        }

        boolean trimmed() {
            return pageRead && (first == null || first.version() > 1);
        }
    }

    // ---- rules ----------------------------------------------------------------------------------

    private static ItemKey liveParentOf(Scope scope) {
        return scope.kind() == Kind.ENTRY ? scope.parent() : null;
    }

    private boolean parentLive(Scope scope) {
        return collections.live(scope.parent());
    }

    Optional<Item> liveHolder(Scope scope, String id) {
        return Optional.ofNullable(id).flatMap(holder -> repository.head(scope.item(holder))).filter(Item::live);
    }

    static void requireLive(Item current) {
        if (current.deleted()) {
            throw new NotFoundException(current.key().kind().label() + " " + current.key().id() + " is deleted");
        }
    }

    /**
     * With a limit, the page read whole and the cursor of the next one (when more follow). Without,
     * the first DynamoDB page read now and the rest as the answer is sent.
     */
    private Listing listingOf(String listing, Iterator<List<Item>> pages, PageRequest page) {
        if (page.unlimited()) {
            return Listing.streamed(pages.hasNext() ? pages.next() : List.of(), pages, OptionalLong.empty());
        }
        Slice slice = Slice.of(pages, page.limit());
        List<Item> items = slice.items();
        Optional<String> next = slice.more() && !items.isEmpty()
                ? Optional.of(cursors.encode(listing, Position.after(items.get(items.size() - 1))))
                : Optional.empty();
        return Listing.of(items, next, OptionalLong.empty());
    }

    static NotFoundException notFound(ItemKey key) {
        return new NotFoundException(key.kind().label() + " " + key.id() + " not found");
    }

    static NotFoundException parentNotFound(Scope scope) {
        return new NotFoundException("collection " + scope.collection() + " not found or deleted");
    }

    private Instant now() {
        return clock.instant();
    }

    /** Jittered, growing pause between attempts; gives up after {@link #MAX_ATTEMPTS}. */
    static void pauseAfter(int attempt, ItemKey key) {
        if (attempt >= MAX_ATTEMPTS) {
            throw new ContentionException(key, attempt);
        }
        long ceiling = Math.min(50, 2L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContentionException(key, attempt);
        }
    }
}
