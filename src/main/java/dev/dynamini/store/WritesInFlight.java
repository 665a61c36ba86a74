package dev.dynamini.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The writes of this instance that are under way, by the instant each began. A write stamps its
 * version no earlier than it began, so a change feed that reads only up to just before the oldest
 * of them cannot pass a change of this instance that has not landed yet (docs/storage.md, "The
 * change feed").
 */
public final class WritesInFlight {
    private final Clock clock;
    /** Begin instants (epoch ms) of the writes under way, with how many began in that millisecond. */
    private final TreeMap<Long, Integer> begun = new TreeMap<>();
    private final List<Consumer<Scope>> listeners = new CopyOnWriteArrayList<>();

    public WritesInFlight(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs one write (a change and its retries) of {@code scope} (null: of several scopes) as under
     * way, then tells the listeners.
     */
    public <T> T during(Scope scope, Supplier<T> write) {
        long began;
        // the clock is read under the lock, as by moment(): a write that registers after a reader
        // looked began no earlier than the reader's now
        synchronized (begun) {
            began = clock.millis();
            begun.merge(began, 1, Integer::sum);
        }
        try {
            return write.get();
        } finally {
            synchronized (begun) {
                begun.computeIfPresent(began, (at, count) -> count == 1 ? null : count - 1);
            }
            listeners.forEach(listener -> listener.accept(scope));
        }
    }

    /**
     * Now, and when the oldest write under way began (empty when none is), read together: every
     * write not among them begins at or after {@code now}, so it stamps its change in now's
     * millisecond or later.
     */
    public record Moment(Instant now, Optional<Instant> oldest) {
    }

    public Moment moment() {
        synchronized (begun) {
            return new Moment(clock.instant(), begun.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(begun.firstKey())));
        }
    }

    /**
     * Called after each write, landed or not, with its scope (null: several), on the writer's
     * thread: it must not block.
     */
    public void whenFinished(Consumer<Scope> listener) {
        listeners.add(listener);
    }
}
