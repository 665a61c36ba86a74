package dev.dynamini.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs items' work on a few threads, in order per scope: every item of one scope (a user's
 * collections, one collection's entries) goes to the same lane, one after the other, so which item
 * keeps a clashing name is the same as in a run on one thread. Lanes have short queues, so the scan
 * feeding them waits rather than holding the table in memory. With one lane, work runs on the
 * caller's thread.
 *
 * <p>The first failure stops the run: later work is dropped, and {@link #submit} and
 * {@link #drain} throw it on the caller's thread.
 */
final class Lanes implements AutoCloseable {
    private static final int QUEUE = 32;
    private static final Runnable STOP = () -> { };

    private final List<BlockingQueue<Runnable>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    Lanes(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one lane");
        }
        for (int i = 0; lanes > 1 && i < lanes; i++) {
            BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE);
            Thread thread = new Thread(() -> work(queue), "import-lane-" + i);
            thread.setDaemon(true);
            thread.start();
            queues.add(queue);
            threads.add(thread);
        }
    }

    private static void work(BlockingQueue<Runnable> queue) {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            task.run();
        }
    }

    /** The task, unless an earlier one failed; a failure is kept for the caller's thread. */
    private Runnable guarded(Runnable task) {
        return () -> {
            if (failure.get() != null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            } catch (Error e) {
                failure.compareAndSet(null, new IllegalStateException(e.toString(), e));
            }
        };
    }

    /** Runs {@code task} after every task submitted before it for the same scope. */
    void submit(String scope, Runnable task) {
        rethrow();
        if (queues.isEmpty()) {
            task.run();
            return;
        }
        put(queues.get(Math.floorMod(scope.hashCode(), queues.size())), guarded(task));
    }

    /** Returns once everything submitted so far has run. */
    void drain() {
        if (!queues.isEmpty()) {
            CountDownLatch done = new CountDownLatch(queues.size());
            for (BlockingQueue<Runnable> queue : queues) {
                put(queue, done::countDown);
            }
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the import's lanes", e);
            }
        }
        rethrow();
    }

    private void rethrow() {
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    private static void put(BlockingQueue<Runnable> queue, Runnable task) {
        try {
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing work to the import's lanes", e);
        }
    }

    @Override
    public void close() {
        for (BlockingQueue<Runnable> queue : queues) {
            queue.clear();
            put(queue, STOP);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
