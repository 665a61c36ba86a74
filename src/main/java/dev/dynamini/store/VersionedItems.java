package dev.dynamini.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

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

    private final ItemRepository repository;
    private final IdGenerator ids;
    private final Clock clock;
    private final LiveCollections collections;
    private final CursorPaging paging;
    private final RetentionMarks retention;
    private final AsOfReads asOfReads;
    private final EntrySchemas schemas = new EntrySchemas();
    /**
     * Each public write runs as under way from before it takes its time until its commit has
     * returned: the change feed reads no closer to the present than the oldest of them
     * ({@link ChangeFeed}), so none can land behind a reader's token.
     */
    private final WritesInFlight writes;

    /** {@code retention}: by application; an application not in it keeps every version. */
    public VersionedItems(ItemRepository repository, IdGenerator ids, Clock clock, Cursors cursors,
            LiveCollections collections, Map<String, RetentionPolicy> retention, WritesInFlight writes) {
        this.repository = repository;
        this.writes = writes;
        this.ids = ids;
        this.clock = clock;
        this.collections = collections;
        this.paging = new CursorPaging(cursors);
        this.retention = new RetentionMarks(repository, collections, retention);
        this.asOfReads = new AsOfReads(repository, paging);
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Creates an item with a new id. If a live item of the scope already has the name and the same
     * content, that item is returned and nothing is written (idempotent create); with other content
     * it is a clash.
     */
    public Created create(Scope scope, ContentPatch body) {
        return writes.during(scope, () -> createWriting(scope, body));
    }

    private Created createWriting(Scope scope, ContentPatch body) {
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
        return writes.during(key.scope(), () -> putWriting(key, patch, ifMatch, existence));
    }

    private Created putWriting(ItemKey key, ContentPatch patch, OptionalLong ifMatch, Existence existence) {
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
        return writes.during(key.scope(), () -> patchWriting(key, edit, ifMatch));
    }

    private Item patchWriting(ItemKey key, UnaryOperator<Content> edit, OptionalLong ifMatch) {
        EntrySchemas.Check schemaCheck = schemaCheckFor(key.scope());
        return change(key, ifMatch, current -> {
            requireLive(current);
            return current.next(schemaCheck.check(ContentRules.validated(key.kind(), edit.apply(current.content()))), now(), false);
        });
    }

    /** Soft-deletes: a new version that keeps the content and carries {@code deletedAt}. */
    public Item delete(ItemKey key, OptionalLong ifMatch) {
        return writes.during(key.scope(), () -> deleteWriting(key, ifMatch));
    }

    private Item deleteWriting(ItemKey key, OptionalLong ifMatch) {
        return change(key, ifMatch, current -> ChangeRules.delete(current, now()));
    }

    /**
     * Writes a new, live version with the content of version {@code version}; by default the newest
     * version that is not a delete. A delete version keeps the content it deleted, so that default
     * is always the latest version's content.
     */
    public Item restore(ItemKey key, OptionalLong version, OptionalLong ifMatch) {
        return writes.during(key.scope(), () -> restoreWriting(key, version, ifMatch));
    }

    private Item restoreWriting(ItemKey key, OptionalLong version, OptionalLong ifMatch) {
        Optional<Content> source = Optional.empty();
        if (version.isPresent()) {
            long n = version.getAsLong();
            source = Optional.of(repository.version(key, n).orElseThrow(() -> retention.versionMissing(key, n)).content());
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
                retention.applyRetention(current, next);
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

    // ---- batches ----------------------------------------------------------------------------------

    /**
     * Applies up to {@link BatchChange#MAX_CHANGES} changes as one: all of them, or none (one
     * {@link ItemRepository#commitAll}). Each follows the rules of its single-item write; the
     * results are in the changes' order. A change that cannot apply refuses the whole batch with
     * {@link BatchRejectedException} naming it. How: {@link Batch}.
     */
    public List<Created> batch(List<BatchChange> changes) {
        return writes.during(null, () -> batchWriting(changes));
    }

    private List<Created> batchWriting(List<BatchChange> changes) {
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
                retention.applyRetention(change.previous(), change.next());
            }
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * {@link #read(ItemKey, Filter)} now, or as things were at {@code asOf} ({@link AsOfReads#read}).
     */
    public Listing read(ItemKey key, Filter filter, Optional<Instant> asOf) {
        return asOf.isPresent() ? asOfReads.read(key, filter, asOf.get()) : read(key, filter);
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

    /** Every version up to the head, which is read first: the edge of history, and the ETag. */
    private Listing allVersions(ItemKey key) {
        Item head = repository.head(key).orElseThrow(() -> notFound(key));
        FirstItem versions = new FirstItem(repository.versionsOf(head, null, ItemRepository.EVERYTHING, Order.ASC));
        List<Item> first = versions.hasNext() ? versions.next() : List.of();
        return Listing.streamed(first, versions, OptionalLong.of(head.version())).withHistoryTrimmed(versions.trimmed());
    }

    /**
     * {@link #list(Scope, Filter, PageRequest)} now, or as the scope was at {@code asOf}
     * ({@link AsOfReads#list}).
     */
    public Listing list(Scope scope, Filter filter, PageRequest page, Optional<Instant> asOf) {
        return asOf.isPresent() ? asOfReads.list(scope, filter, page, asOf.get()) : list(scope, filter, page);
    }

    /** The items of a scope, in creation order (then version order for {@link Filter#ALL}). */
    public Listing list(Scope scope, Filter filter, PageRequest page) {
        String listing = scope.describe() + "|" + filter;
        Position after = paging.after(listing, page);
        if (filter == Filter.LATEST && scope.kind() == Kind.ENTRY && !parentLive(scope)) {
            return Listing.empty();
        }
        int wanted = page.itemsToRead();
        Iterator<List<Item>> pages = switch (filter) {
            case LATEST -> repository.heads(scope, after, wanted, true);
            case CURRENT -> repository.heads(scope, after, wanted, false);
            case ALL -> repository.versionsInScope(scope, after, wanted);
        };
        return paging.listingOf(listing, pages, page);
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
        Position after = paging.after(listing, page);
        Optional<Item> head = repository.head(key);
        if (head.isEmpty()) {
            if (after == null) {
                throw notFound(key);
            }
            return Listing.empty();
        }
        FirstItem read = new FirstItem(repository.versionsOf(head.get(), after, page.itemsToRead(), order));
        Listing versions = paging.listingOf(listing, read, page);
        boolean trimmed;
        if (order == Order.ASC && after == null) {
            trimmed = read.trimmed();
        } else {
            trimmed = retention.trimmedHistory(key);
        }
        return versions.withHistoryTrimmed(trimmed);
    }

    /** One version: 410 if retention removed it, 404 if the item never had it. */
    public Item version(ItemKey key, long version) {
        return repository.version(key, version).orElseThrow(() -> retention.versionMissing(key, version));
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
