package dev.dynamini.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the benchmark ran on. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch")));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> Math.round(Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0 + " GiB").orElse("?"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")");
        m.put("loadAverage", loadAverage());
        m.put("jvmArgs", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return m;
    }

    /** The 1, 5 and 15 minute load averages: other work on the machine skews every figure. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(l -> l.startsWith(key)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
