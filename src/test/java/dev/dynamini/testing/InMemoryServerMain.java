package dev.dynamini.testing;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.dynamini.Dynamini;
import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The server on an in-memory DynamoDB Local in a JVM of its own, configured by the environment like
 * Main: for tests that need their own JVM settings (a small heap). It reports the most heap in use
 * after a garbage collection (what the process really held) per phase: a line "phase NAME" on its
 * standard input ends the current phase, and exit ends the last one.
 */
public final class InMemoryServerMain {
    private static final AtomicLong LIVE_AFTER_GC = new AtomicLong();

    private InMemoryServerMain() {
    }

    public static void main(String[] args) {
        watchLiveHeap();
        Config config = Config.fromEnvironment();
        Dynamini server = Dynamini.start(config, ApiKeys.load(config), DynamoConnection.inMemory(), record -> { });
        AtomicReference<String> phase = new AtomicReference<>("start");
        Thread phases = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("phase ")) {
                        report(phase.getAndSet(line.substring(6)));
                        System.gc(); // what the last phase left behind does not count for the next
                        LIVE_AFTER_GC.set(0);
                        System.out.println("heap at the start of " + phase.get() + ": " + usedMegabytes() + " MB in use after a full GC");
                    }
                }
            } catch (IOException e) {
                // the test is gone
            }
        }, "phases");
        phases.setDaemon(true);
        phases.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            report(phase.get());
        }));
    }

    private static void report(String phase) {
        System.out.println("heap " + phase + ": most in use after a GC " + LIVE_AFTER_GC.get() / (1024 * 1024) + " MB of "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
    }

    private static long usedMegabytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    private static void watchLiveHeap() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey())).mapToLong(pool -> pool.getValue().getUsed()).sum();
                    LIVE_AFTER_GC.accumulateAndGet(used, Math::max);
                }
            }, null, null);
        }
    }
}
