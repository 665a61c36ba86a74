package dev.dynamini.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Collection heads as entry reads and writes need them (is the collection live? what is its JSON
 * Schema?): read from DynamoDB and remembered for {@code ttl}, so that the latest read of an entry
 * is one read of its own head, and an entry write reads nothing of its collection. This instance's
 * own collection changes update what it remembers at once; another instance's are seen within
 * {@code ttl} (docs/storage.md). A ttl of zero reads every time.
 */
public final class LiveCollections {
    /** Beyond this many remembered collections, or this many characters of them, memory starts over. */
    private static final int MAX_REMEMBERED = 10_000;
    private static final long MAX_CHARS = 4L << 20;

    private record Seen(Item head, long atNanos, long chars) {
    }

    private final ItemRepository repository;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<ItemKey, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicLong chars = new AtomicLong();

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

    /** The collection's head, remembered or read; absence is never remembered. */
    Optional<Item> head(ItemKey collection) {
        Seen known = seen.get(collection);
        if (known != null && nanoTime.getAsLong() - known.atNanos() < ttlNanos) {
            return Optional.of(known.head());
        }
        Optional<Item> head = repository.head(collection);
        head.ifPresentOrElse(this::saw, () -> forget(collection));
        return head;
    }

    /** Live, deleted, or (empty) no such collection. */
    Optional<Boolean> state(ItemKey collection) {
        return head(collection).map(Item::live);
    }

    boolean live(ItemKey collection) {
        return state(collection).orElse(false);
    }

    /** A collection head this instance has just written or read. */
    void saw(Item collectionHead) {
        if (ttlNanos <= 0) {
            return;
        }
        Content content = collectionHead.content();
        long size = length(content.name()) + length(content.value()) + length(content.schema());
        if (seen.size() >= MAX_REMEMBERED || chars.get() + size > MAX_CHARS) {
            seen.clear();
            chars.set(0);
        }
        Seen now = new Seen(collectionHead, nanoTime.getAsLong(), size);
        // a read that started before this instance's own later write must not undo what it saw
        Seen kept = seen.merge(collectionHead.key(), now, (old, fresh) -> fresh.head().version() >= old.head().version() ? fresh : old);
        if (kept == now) {
            chars.addAndGet(size);
        }
    }

    void forget(ItemKey collection) {
        Seen gone = seen.remove(collection);
        if (gone != null) {
            chars.addAndGet(-gone.chars());
        }
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }
}
