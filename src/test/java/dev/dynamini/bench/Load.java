package dev.dynamini.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
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
                 Histogram latency, String firstError) {
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

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Load() {
    }

    static String label(String id, int concurrency) {
        return id + "-c" + concurrency;
    }

    static Phase run(String id, int concurrency, BenchOptions options, Workload workload) throws Exception {
        String label = label(id, concurrency);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            calls.add(workload.worker(i));
        }
        CyclicBarrier start = new CyclicBarrier(concurrency);
        CyclicBarrier measuring = new CyclicBarrier(concurrency + 1);
        Histogram[] histograms = new Histogram[concurrency];
        long[] counts = new long[concurrency];
        long[] errors = new long[concurrency];
        long[] lastEnd = new long[concurrency];
        boolean[] ranOut = new boolean[concurrency];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> firstError = new AtomicReference<>();
        long[] window = new long[2]; // measurement start, planned end (timed mode)
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int w = i;
            histograms[w] = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
            Thread t = new Thread(() -> {
                try {
                    Call call = calls.get(w);
                    start.await();
                    if (options.timed()) {
                        long begin = System.nanoTime();
                        long warmEnd = begin + options.warmup().toNanos();
                        long end = warmEnd + options.duration().toNanos();
                        if (w == 0) {
                            window[0] = warmEnd;
                            window[1] = end;
                        }
                        long now;
                        while ((now = System.nanoTime()) < end) {
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
                        for (int k = 0; k < options.warmupOpsPerWorker(); k++) {
                            if (call.run(DynamoTap.ID_PREFIX + "warm." + SEQUENCE.incrementAndGet(), false) == NO_WORK) {
                                break;
                            }
                        }
                        measuring.await();
                        for (int k = 0; k < options.opsPerWorker(); k++) {
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
                    start.reset();
                    measuring.reset();
                }
            }, "bench-" + label + "-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (!options.timed()) {
            try {
                measuring.await();
            } catch (Exception e) {
                // a worker failed: reported below
            }
            window[0] = System.nanoTime();
        }
        for (Thread t : threads) {
            t.join();
        }
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
        return new Phase(label, concurrency, count, errorCount, seconds, out, merged, firstError.get());
    }
}
