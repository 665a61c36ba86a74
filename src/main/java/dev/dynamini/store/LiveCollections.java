package dev.dynamini.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whether collections are live, as entry reads and writes need to know: read from the collection's
 * head and remembered for {@code ttl}, so that the latest read of an entry is one read of its own
 * head. This instance's own collection changes update what it remembers at once; another
 * instance's are seen within {@code ttl} (docs/storage.md). A ttl of zero reads every time.
 */
public final class LiveCollections {
    /** Beyond this many remembered collections, the memory starts over (bounded, never a leak). */
    private static final int MAX_REMEMBERED = 50_000;

    private record Seen(long version, boolean live, long atNanos) {
    }

    private final ItemRepository repository;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<ItemKey, Seen> seen = new ConcurrentHashMap<>();

    public LiveCollections(ItemRepository repository, Duration ttl) {
        this(repository, ttl, System::nanoTime);
    }

    LiveCollections(ItemRepository repository, Duration ttl, LongSupplier nanoTime) {
        this.repository = repository;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    public Duration ttl() {
        return Duration.ofNanos(ttlNanos);
    }

    /** The collection's state: live, deleted, or (empty) no such collection; absence is never remembered. */
    Optional<Boolean> state(ItemKey collection) {
        long now = nanoTime.getAsLong();
        Seen known = seen.get(collection);
        if (known != null && now - known.atNanos() < ttlNanos) {
            return Optional.of(known.live());
        }
        Optional<Item> head = repository.head(collection);
        head.ifPresentOrElse(this::saw, () -> seen.remove(collection));
        return head.map(Item::live);
    }

    boolean live(ItemKey collection) {
        return state(collection).orElse(false);
    }

    /** A collection head this instance has just written or read. */
    void saw(Item collectionHead) {
        if (ttlNanos <= 0) {
            return;
        }
        if (seen.size() >= MAX_REMEMBERED) {
            seen.clear();
        }
        Seen now = new Seen(collectionHead.version(), collectionHead.live(), nanoTime.getAsLong());
        // a read that started before this instance's own later write must not undo what it saw
        seen.merge(collectionHead.key(), now, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    void forget(ItemKey collection) {
        seen.remove(collection);
    }
}
