package dev.dynamini.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code concurrency} threads each call the operation back to back, first
 * unmeasured (warm-up), then measured, for a time or a number of calls. Latency goes into one
 * HdrHistogram per thread (nanoseconds, 3 significant digits), merged at the end.
 */
final class Load {
    /** A call's answer meaning "nothing left to do" (for example no entry left to delete). */
    static final int NO_WORK = -1;

    /** One operation, as one worker thread performs it. */
    interface Call {
        /** Performs it once; returns the HTTP status (200 for a raw SDK call) or {@link #NO_WORK}. */
        int run(String requestId, boolean measured) throws Exception;
    }

    interface Workload {
        Call worker(int index) throws Exception;
    }

    /** What one operation at one concurrency did while measured. */
    record Phase(String id, int concurrency, long count, long errors, double seconds, boolean ranOut,
                 Histogram latency, String firstError, long cpuNanos, long externalCpuNanos) {
        /**
         * CPU time of the whole JVM (server, DynamoDB Local when embedded, load generator) per
         * measured operation: steadier than latency on a shared machine.
         */
        double cpuMillisPerOp() {
            return count == 0 ? Double.NaN : cpuNanos / 1e6 / count;
        }

        /**
         * CPU time of the DynamoDB Local process per measured operation when it runs in a JVM of its
         * own (endpoint mode); NaN otherwise. Linux counts it in clock ticks (10 ms), so it is coarse
         * for short slices.
         */
        double externalCpuMillisPerOp() {
            return count == 0 || externalCpuNanos < 0 ? Double.NaN : externalCpuNanos / 1e6 / count;
        }

        double throughput() {
            return seconds <= 0 ? 0 : count / seconds;
        }

        double millisAt(double percentile) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e6;
        }

        double meanMillis() {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getMean() / 1e6;
        }
    }

    /** Timed (warm-up, then measured duration) or counted (ops per worker, after warmupOps). */
    record Timing(java.time.Duration warmup, java.time.Duration duration, int ops, int warmupOps) {
        boolean timed() {
            return ops == 0;
        }
    }

    /** The slices of one row, as one. */
    static Phase merge(Phase a, Phase b) {
        if (a == null) {
            return b;
        }
        Histogram h = a.latency().copy();
        h.add(b.latency());
        return new Phase(a.id(), a.concurrency(), a.count() + b.count(), a.errors() + b.errors(), a.seconds() + b.seconds(),
                a.ranOut() || b.ranOut(), h, a.firstError() != null ? a.firstError() : b.firstError(), a.cpuNanos() + b.cpuNanos(),
                a.externalCpuNanos() < 0 || b.externalCpuNanos() < 0 ? -1 : a.externalCpuNanos() + b.externalCpuNanos());
    }

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /**
     * CPU time in nanoseconds of a process outside this JVM that serves the load (DynamoDB Local
     * at an endpoint), or null. Read around each measured slice like this JVM's own.
     */
    static volatile java.util.function.LongSupplier externalCpu;

    private Load() {
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String label(String id, int concurrency) {
        return id + "-c" + concurrency;
    }

    static Phase run(String id, int concurrency, Timing options, Workload workload) throws Exception {
        String label = label(id, concurrency);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            calls.add(workload.worker(i));
        }
        // workers: ready -> wait for go -> (counted mode: warm-up -> warmed -> wait for measure)
        CountDownLatch ready = new CountDownLatch(concurrency);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch warmed = new CountDownLatch(concurrency);
        CountDownLatch measure = new CountDownLatch(1);
        Histogram[] histograms = new Histogram[concurrency];
        long[] counts = new long[concurrency];
        long[] errors = new long[concurrency];
        long[] lastEnd = new long[concurrency];
        boolean[] ranOut = new boolean[concurrency];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> firstError = new AtomicReference<>();
        long[] window = new long[3]; // measurement start, planned end, begin (timed mode)
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int w = i;
            histograms[w] = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
            Thread t = new Thread(() -> {
                boolean[] counted = {false, false}; // ready, warmed
                try {
                    Call call = calls.get(w);
                    counted[0] = true;
                    ready.countDown();
                    go.await();
                    if (options.timed()) {
                        long warmEnd = window[0];
                        long end = window[1];
                        long now;
                        // at least one measured operation per worker: an operation slower than the
                        // slice (e.g. an asOf listing deep in history at c=16) is then measured once,
                        // past the planned end, rather than not at all
                        while ((now = System.nanoTime()) < end || counts[w] == 0) {
                            boolean measured = now >= warmEnd;
                            String rid = DynamoTap.ID_PREFIX + (measured ? label : "warm") + "." + SEQUENCE.incrementAndGet();
                            int status = call.run(rid, measured);
                            long done = System.nanoTime();
                            if (status == NO_WORK) {
                                ranOut[w] = true;
                                break;
                            }
                            if (measured) {
                                histograms[w].recordValue(Math.min(done - now, histograms[w].getHighestTrackableValue()));
                                counts[w]++;
                                lastEnd[w] = done;
                                if (status < 200 || status >= 300) {
                                    errors[w]++;
                                    firstError.compareAndSet(null, "HTTP " + status);
                                }
                            }
                        }
                    } else {
                        for (int k = 0; k < options.warmupOps(); k++) {
                            if (call.run(DynamoTap.ID_PREFIX + "warm." + SEQUENCE.incrementAndGet(), false) == NO_WORK) {
                                break;
                            }
                        }
                        counted[1] = true;
                        warmed.countDown();
                        measure.await();
                        for (int k = 0; k < options.ops(); k++) {
                            long now = System.nanoTime();
                            int status = call.run(DynamoTap.ID_PREFIX + label + "." + SEQUENCE.incrementAndGet(), true);
                            long done = System.nanoTime();
                            if (status == NO_WORK) {
                                ranOut[w] = true;
                                break;
                            }
                            histograms[w].recordValue(Math.min(done - now, histograms[w].getHighestTrackableValue()));
                            counts[w]++;
                            lastEnd[w] = done;
                            if (status < 200 || status >= 300) {
                                errors[w]++;
                                firstError.compareAndSet(null, "HTTP " + status);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (!counted[0]) {
                        ready.countDown();
                    }
                    if (!counted[1]) {
                        warmed.countDown();
                    }
                }
            }, "bench-" + label + "-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long cpuStart;
        long externalStart = -1;
        java.util.function.LongSupplier external = externalCpu;
        ready.await();
        if (options.timed()) {
            long begin = System.nanoTime();
            window[0] = begin + options.warmup().toNanos();
            window[1] = window[0] + options.duration().toNanos();
            go.countDown();
            long wait;
            while ((wait = window[0] - System.nanoTime()) > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            cpuStart = cpuNanos();
            externalStart = external == null ? -1 : external.getAsLong();
        } else {
            go.countDown();
            warmed.await();
            cpuStart = cpuNanos();
            externalStart = external == null ? -1 : external.getAsLong();
            window[0] = System.nanoTime();
            measure.countDown();
        }
        for (Thread t : threads) {
            t.join();
        }
        long cpuUsed = cpuNanos() - cpuStart;
        long externalEnd = external == null ? -1 : external.getAsLong();
        long externalUsed = externalStart < 0 || externalEnd < 0 ? -1 : externalEnd - externalStart;
        if (failure.get() != null) {
            throw new IllegalStateException("operation " + label + " failed: " + failure.get(), failure.get());
        }
        Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        long count = 0;
        long errorCount = 0;
        long last = window[0];
        boolean out = false;
        for (int i = 0; i < concurrency; i++) {
            merged.add(histograms[i]);
            count += counts[i];
            errorCount += errors[i];
            last = Math.max(last, lastEnd[i]);
            out |= ranOut[i];
        }
        long end = options.timed() && !out ? Math.max(last, window[1]) : last;
        double seconds = Math.max(0, end - window[0]) / 1e9;
        return new Phase(label, concurrency, count, errorCount, seconds, out, merged, firstError.get(), cpuUsed, externalUsed);
    }
}
