package dev.dynamini.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
    private final Cursors cursors;

    public VersionedItems(ItemRepository repository, IdGenerator ids, Clock clock, Cursors cursors) {
        this.repository = repository;
        this.ids = ids;
        this.clock = clock;
        this.cursors = cursors;
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Creates an item. If a live item of the scope already has the name and the same content, that
     * item is returned and nothing is written (idempotent create); with other content it is a clash.
     */
    public Created create(Scope scope, ContentPatch body) {
        Content content = ContentRules.validated(scope.kind(), body.asNew());
        Item first = Item.first(scope.item(ids.next()), content, now());
        Change change = new Change(null, first, null, content.name(), liveParentOf(scope));
        for (int attempt = 1; ; attempt++) {
            try {
                repository.commit(change);
                return new Created(first, true);
            } catch (CommitRejectedException rejected) {
                switch (rejected.reason()) {
                    case PARENT_NOT_LIVE -> throw parentNotFound(scope);
                    case NAME_TAKEN -> {
                        Optional<Item> holder = liveHolder(scope, rejected.nameHolderId());
                        if (holder.isPresent()) {
                            if (holder.get().content().sameAs(content)) {
                                return new Created(holder.get(), false);
                            }
                            throw new NameTakenException(holder.get());
                        }
                        // the holder let go of the name since: try again
                    }
                    case ITEM_CHANGED -> throw new IllegalStateException("a new id was already taken: " + first.key());
                    case CONFLICT -> {
                        // a concurrent transaction on the same name: try again
                    }
                }
            }
            pauseAfter(attempt, first.key());
        }
    }

    /** Writes a new version with the patch applied; fields the patch leaves out keep their value. */
    public Item update(ItemKey key, ContentPatch patch, OptionalLong ifMatch) {
        if (patch.empty()) {
            throw new InvalidInputException("the body must change something: give \"name\""
                    + (key.kind() == Kind.ENTRY ? " or \"value\"" : ""));
        }
        return change(key, ifMatch, current -> {
            requireLive(current);
            return current.next(ContentRules.validated(key.kind(), patch.applyTo(current.content())), now(), false);
        });
    }

    /** Soft-deletes: a new version that keeps the content and carries {@code deletedAt}. */
    public Item delete(ItemKey key, OptionalLong ifMatch) {
        return change(key, ifMatch, current -> {
            requireLive(current);
            return current.next(current.content(), now(), true);
        });
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
            source = Optional.of(repository.version(key, n)
                    .orElseThrow(() -> new NotFoundException(key.kind().label() + " " + key.id() + " has no version " + n))
                    .content());
        }
        Optional<Content> chosen = source;
        return change(key, ifMatch, current -> current.next(chosen.orElse(current.content()), now(), false));
    }

    private Item change(ItemKey key, OptionalLong ifMatch, UnaryOperator<Item> nextOf) {
        for (int attempt = 1; ; attempt++) {
            Item current = repository.head(key).orElseThrow(() -> notFound(key));
            if (ifMatch.isPresent() && ifMatch.getAsLong() != current.version()) {
                throw new VersionMismatchException(ifMatch.getAsLong(), current);
            }
            Item next = nextOf.apply(current);
            try {
                repository.commit(new Change(current, next, NameRules.released(current, next), NameRules.claimed(current, next), liveParentOf(key.scope())));
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

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * One item by the {@code filter} of dynamodb-mini: its latest live version, its latest version
     * or all of its versions. An entry of a deleted collection has no latest live version.
     */
    public List<Item> read(ItemKey key, Filter filter) {
        return switch (filter) {
            case LATEST -> {
                if (key.kind() == Kind.ENTRY) {
                    ItemWithParent read = repository.headWithParent(key);
                    boolean visible = read.parent().filter(Item::live).isPresent();
                    yield read.item().filter(Item::live).filter(item -> visible).map(List::of).orElse(List.of());
                }
                yield repository.head(key).filter(Item::live).map(List::of).orElse(List.of());
            }
            case CURRENT -> repository.head(key).map(List::of).orElse(List.of());
            case ALL -> repository.versionsOf(key, null, ItemRepository.EVERYTHING, Order.ASC).items();
        };
    }

    /** The items of a scope, in creation order (then version order for {@link Filter#ALL}). */
    public Page list(Scope scope, Filter filter, PageRequest page) {
        String listing = scope.describe() + "|" + filter;
        Position after = page.cursor() == null ? null : cursors.decode(listing, page.cursor());
        if (filter == Filter.LATEST && scope.kind() == Kind.ENTRY && !parentLive(scope)) {
            return new Page(List.of(), Optional.empty());
        }
        int limit = page.maxItems();
        Slice slice = switch (filter) {
            case LATEST -> repository.heads(scope, after, limit, true);
            case CURRENT -> repository.heads(scope, after, limit, false);
            case ALL -> repository.versionsInScope(scope, after, limit);
        };
        return pageOf(listing, slice);
    }

    /**
     * The live item of the scope with that name, if any (as a list, like every listing). Names are
     * unique per user, so across a whole application there may be several: those are found by
     * reading the application's live collection heads, not through the name register.
     */
    public List<Item> findByName(Scope scope, String name) {
        if (scope.wholeApplication()) {
            return repository.heads(scope, null, ItemRepository.EVERYTHING, true).items().stream()
                    .filter(item -> name.equals(item.content().name()))
                    .toList();
        }
        if (scope.kind() == Kind.ENTRY && !parentLive(scope)) {
            return List.of();
        }
        return repository.nameHolder(scope, name)
                .flatMap(id -> repository.head(scope.item(id)))
                .filter(item -> item.live() && name.equals(item.content().name()))
                .map(List::of)
                .orElse(List.of());
    }

    /** The versions of one item, deleted ones included. */
    public Page history(ItemKey key, Order order, PageRequest page) {
        String listing = key.scope().describe() + "|" + key.id() + "|versions|" + order;
        Position after = page.cursor() == null ? null : cursors.decode(listing, page.cursor());
        Slice slice = repository.versionsOf(key, after, page.maxItems(), order);
        if (slice.items().isEmpty() && after == null) {
            throw notFound(key);
        }
        return pageOf(listing, slice);
    }

    public Item version(ItemKey key, long version) {
        return repository.version(key, version)
                .orElseThrow(() -> new NotFoundException(key.kind().label() + " " + key.id() + " has no version " + version));
    }

    // ---- rules ----------------------------------------------------------------------------------

    private static ItemKey liveParentOf(Scope scope) {
        return scope.kind() == Kind.ENTRY ? scope.parent() : null;
    }

    private boolean parentLive(Scope scope) {
        return repository.head(scope.parent()).filter(Item::live).isPresent();
    }

    private Optional<Item> liveHolder(Scope scope, String id) {
        return Optional.ofNullable(id).flatMap(holder -> repository.head(scope.item(holder))).filter(Item::live);
    }

    private static void requireLive(Item current) {
        if (current.deleted()) {
            throw new NotFoundException(current.key().kind().label() + " " + current.key().id() + " is deleted");
        }
    }

    private Page pageOf(String listing, Slice slice) {
        List<Item> items = slice.items();
        Optional<String> next = slice.more() && !items.isEmpty()
                ? Optional.of(cursors.encode(listing, Position.after(items.get(items.size() - 1))))
                : Optional.empty();
        return new Page(items, next);
    }

    private static NotFoundException notFound(ItemKey key) {
        return new NotFoundException(key.kind().label() + " " + key.id() + " not found");
    }

    private static NotFoundException parentNotFound(Scope scope) {
        return new NotFoundException("collection " + scope.collection() + " not found or deleted");
    }

    private Instant now() {
        return clock.instant();
    }

    /** Jittered, growing pause between attempts; gives up after {@link #MAX_ATTEMPTS}. */
    private static void pauseAfter(int attempt, ItemKey key) {
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
