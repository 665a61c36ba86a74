package dev.dynamini.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Watches the heap of this JVM (server, DynamoDB Local and the load generator together): the most in
 * use at any sample every 20 ms (garbage included), and the most still in use right after a garbage
 * collection (from the collectors' notifications), overall and while the highest concurrency ran.
 */
final class HeapWatch implements AutoCloseable {
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile boolean underLoad;
    private volatile long maxUsed;
    private volatile long maxUsedUnderLoad;
    private volatile long maxAfterGc;
    private volatile long maxAfterGcUnderLoad;
    private volatile long samplesUnderLoad;

    private final List<Runnable> unsubscribe = new java.util.ArrayList<>();

    HeapWatch() {
        java.util.Set<String> heapNames = new java.util.HashSet<>();
        heapPools.forEach(p -> heapNames.add(p.getName()));
        // the heap in use right after each collection: the live set plus what the collector kept
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                javax.management.NotificationListener listener = (notification, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) notification.getUserData());
                    long after = 0;
                    for (var pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapNames.contains(pool.getKey())) {
                            after += pool.getValue().getUsed();
                        }
                    }
                    afterGc(after);
                };
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        sampler = new Thread(this::sample, "bench-heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void afterGc(long used) {
        maxAfterGc = Math.max(maxAfterGc, used);
        if (underLoad) {
            maxAfterGcUnderLoad = Math.max(maxAfterGcUnderLoad, used);
        }
    }

    /** Marks whether the highest concurrency is running now. */
    void underLoad(boolean on) {
        underLoad = on;
    }

    private void sample() {
        while (running) {
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            maxUsed = Math.max(maxUsed, used);
            if (underLoad) {
                maxUsedUnderLoad = Math.max(maxUsedUnderLoad, used);
                samplesUnderLoad++;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    record Figures(long maxHeapBytes, long maxUsed, long maxAfterGc, long maxUsedUnderLoad, long maxAfterGcUnderLoad,
                   long samplesUnderLoad, String collectors) {
    }

    Figures figures() {
        String collectors = String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList());
        return new Figures(Runtime.getRuntime().maxMemory(), maxUsed, maxAfterGc, maxUsedUnderLoad, maxAfterGcUnderLoad,
                samplesUnderLoad, collectors);
    }

    @Override
    public void close() {
        unsubscribe.forEach(Runnable::run);
        running = false;
        sampler.interrupt();
    }
}
