package dev.dynamini.feed;

import dev.dynamini.store.ChangeFeed;
import dev.dynamini.store.FeedPage;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import dev.dynamini.store.WritesInFlight;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change feeds that wait for a change ({@code ?since=&wait=}, and Server-Sent Events streams): a
 * waiting reader holds no request thread, only a place among at most {@code maxWaiting} (streams:
 * {@code maxStreams}). Its feed is read again when a write of this instance to its scope finishes,
 * and every {@code pollEvery} for the writes of other instances, on a small pool of its own.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    /** Threads that read the feeds of waiting readers: DynamoDB calls, bounded however many wait. */
    private static final int READERS = 4;

    /** How many may wait and stream at once, per instance; how often waiting feeds are read again. */
    public record Limits(int maxWaiting, int maxStreams, Duration pollEvery, Duration settle) {
    }

    /** A place among the waiting readers or the streams; closing it gives it back. */
    public interface Place extends AutoCloseable {
        @Override
        void close();
    }

    private final ChangeFeed feed;
    private final Limits limits;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers;
    private final ExecutorService readers;
    private volatile boolean closed;

    public LiveFeed(ChangeFeed feed, WritesInFlight writes, Limits limits) {
        this.feed = feed;
        this.limits = limits;
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("feed-timer"));
        this.readers = Executors.newFixedThreadPool(READERS, daemon("feed-reader"));
        writes.whenFinished(this::written);
        long every = limits.pollEvery().toMillis();
        timers.scheduleWithFixedDelay(() -> waiters.forEach(Waiter::poll), every, every, TimeUnit.MILLISECONDS);
    }

    /** A place for one waiting read, if one is free. */
    public Optional<Place> waitingPlace() {
        return place(waiting, limits.maxWaiting());
    }

    /** A place for one stream, if one is free. */
    public Optional<Place> streamPlace() {
        return place(streams, limits.maxStreams());
    }

    public int waiting() {
        return waiting.get();
    }

    public int streams() {
        return streams.get();
    }

    /**
     * The first answer of the scope's feed after {@code since} that has changes, or the last empty
     * one once {@code wait} has passed (or the feed is closed). {@code since} must be a token already
     * checked by a read of the feed (its errors are the caller's to give).
     */
    public CompletableFuture<FeedPage> next(Scope scope, String since, int limit, Duration wait) {
        Waiter waiter = new Waiter(scope, since, limit);
        waiters.add(waiter);
        waiter.expiry = timers.schedule(waiter::expire, wait.toMillis(), TimeUnit.MILLISECONDS);
        waiter.poll();
        return waiter.answer;
    }

    /** Ends every wait (with its last empty answer): streams and waiting reads then finish. */
    @Override
    public void close() {
        closed = true;
        waiters.forEach(Waiter::expire);
        timers.shutdownNow();
        readers.shutdownNow();
    }

    public boolean closed() {
        return closed;
    }

    /**
     * A write of this instance finished: read again the feeds it may have changed. Such a feed
     * stays <em>due</em> until a read finds the change: a read may come too early, while an older
     * write of another scope holds the feed's bound back, so due feeds are read again after every
     * write.
     */
    private void written(Scope scope) {
        long settle = limits.settle().toMillis();
        for (Waiter waiter : waiters) {
            boolean concerned = scope == null || concerns(waiter.scope, scope);
            if (concerned) {
                waiter.due = true;
            }
            if (!waiter.due) {
                continue;
            }
            if (settle == 0) {
                waiter.poll();
            } else if (!closed) {
                // its change becomes readable once it is settle old
                timers.schedule(waiter::poll, settle + 5, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** True when a write of {@code written} may show in the feed of {@code read}. */
    private static boolean concerns(Scope read, Scope written) {
        if (!read.application().equals(written.application())) {
            return false;
        }
        if (read.wholeApplication()) {
            return true; // an entry write may create its collection
        }
        if (read.kind() == Kind.COLLECTION) {
            return Objects.equals(read.user(), written.user());
        }
        return read.equals(written);
    }

    private Optional<Place> place(AtomicInteger taken, int max) {
        if (closed) {
            return Optional.empty();
        }
        while (true) {
            int now = taken.get();
            if (now >= max) {
                return Optional.empty();
            }
            if (taken.compareAndSet(now, now + 1)) {
                AtomicBoolean given = new AtomicBoolean();
                return Optional.of(() -> {
                    if (!given.getAndSet(true)) {
                        taken.decrementAndGet();
                    }
                });
            }
        }
    }

    private final class Waiter {
        final Scope scope;
        final int limit;
        final CompletableFuture<FeedPage> answer = new CompletableFuture<>();
        final AtomicBoolean reading = new AtomicBoolean();
        final AtomicBoolean again = new AtomicBoolean();
        volatile String since;
        volatile boolean due;
        volatile FeedPage last;
        volatile Future<?> expiry;

        Waiter(Scope scope, String since, int limit) {
            this.scope = scope;
            this.since = since;
            this.limit = limit;
        }

        /** Reads the feed once more, now or right after the read under way. */
        void poll() {
            if (answer.isDone()) {
                return;
            }
            again.set(true);
            if (!reading.compareAndSet(false, true)) {
                return;
            }
            try {
                readers.execute(this::read);
            } catch (RejectedExecutionException shutDown) {
                reading.set(false);
                expire();
            }
        }

        private void read() {
            try {
                while (again.getAndSet(false) && !answer.isDone()) {
                    FeedPage page = feed.read(scope, since, limit);
                    last = page;
                    since = page.next();
                    if (!page.changes().isEmpty()) {
                        finish(page);
                    }
                }
            } catch (RuntimeException failed) {
                LOG.debug("a waiting feed read failed", failed);
                waiters.remove(this);
                answer.completeExceptionally(failed);
            } finally {
                reading.set(false);
            }
            if (again.get() && !answer.isDone()) {
                poll();
            }
        }

        void expire() {
            FeedPage page = last;
            finish(page != null ? page : new FeedPage(List.of(), since, false));
        }

        private void finish(FeedPage page) {
            waiters.remove(this);
            Future<?> timer = expiry;
            if (timer != null) {
                timer.cancel(false);
            }
            answer.complete(page);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
