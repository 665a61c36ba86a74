package dev.dynamini.migrate;

import dev.dynamini.store.Kind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run did, as it goes: one line per item skipped, renamed or found different (with the
 * reason), then counts per application. Lines name the application, the kind and the item's id
 * (and an entry's collection id), never user ids, names or values. Lanes report concurrently.
 */
final class Report {
    /** Where entries whose owner is unknown are counted. */
    static final String NO_APPLICATION = "(no application)";
    private static final int MAX_ID_CHARS = 140;

    /** Counts of one kind of item in one application. */
    static final class Tally {
        long copied;
        long versionsCopied;
        long present;
        long skipped;
        long wouldCopy;
        long versionsToCopy;
        long matches;
        long differs;
        /** Items and versions an import makes of dynamodb-mini's data (the check compares with these). */
        long expectedItems;
        long expectedVersions;
    }

    private final PrintStream out;
    private final Mode mode;
    private final Map<String, Map<Kind, Tally>> tallies = new TreeMap<>();
    private long differences;

    Report(PrintStream out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    synchronized void record(OldItem item, String application, Outcome outcome) {
        Tally tally = tally(application, item.kind());
        switch (outcome.status()) {
            case COPIED -> {
                tally.copied++;
                tally.versionsCopied += outcome.versions();
                if (outcome.note() != null) {
                    line("renamed", item, application, outcome.note());
                }
            }
            case PRESENT -> tally.present++;
            case SKIPPED -> {
                tally.skipped++;
                line(switch (mode) {
                    case IMPORT -> "skipped";
                    case DRY_RUN -> "would skip";
                    case CHECK -> "not importable"; // an import skips it too: not a difference
                }, item, application, outcome.note());
            }
            case WOULD_COPY -> {
                tally.wouldCopy++;
                tally.versionsToCopy += outcome.versions();
            }
            case MATCHES -> tally.matches++;
            case DIFFERS -> {
                tally.differs++;
                differences++;
                line("differs", item, application, outcome.note());
            }
        }
    }

    /** An item an import makes: what the check expects to find in dynamini. */
    synchronized void expect(OldItem item, String application, int versions) {
        Tally tally = tally(application, item.kind());
        tally.expectedItems++;
        tally.expectedVersions += versions;
    }

    /** A difference that is not about one item (the check's counts). */
    synchronized void difference(String text) {
        out.println("differs: " + text);
        differences++;
    }

    /** Differences the check found so far. */
    synchronized long differences() {
        return differences;
    }

    synchronized Map<String, Map<Kind, Tally>> tallies() {
        return tallies;
    }

    /** Counts per application and in total, and how fast it went. */
    synchronized void summary(Duration elapsed) {
        long items = 0;
        long versions = 0;
        long skipped = 0;
        for (Map.Entry<String, Map<Kind, Tally>> application : tallies.entrySet()) {
            String name = application.getKey().equals(NO_APPLICATION) ? NO_APPLICATION : safe(application.getKey());
            StringBuilder text = new StringBuilder("application ").append(name).append(':');
            String separator = " ";
            for (Map.Entry<Kind, Tally> kind : application.getValue().entrySet()) {
                Tally t = kind.getValue();
                text.append(separator).append(kind.getKey().label().equals("entry") ? "entries" : "collections").append(' ')
                        .append(describe(t));
                separator = "; ";
                items += mode == Mode.DRY_RUN ? t.wouldCopy : t.copied;
                versions += mode == Mode.DRY_RUN ? t.versionsToCopy : t.versionsCopied;
                skipped += t.skipped;
            }
            out.println(text);
        }
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        switch (mode) {
            case IMPORT -> out.printf(Locale.ROOT, "total: %d items copied (%d versions), %d skipped, in %.1f s (%.0f items/s, %.0f versions/s)%n",
                    items, versions, skipped, seconds, items / seconds, versions / seconds);
            case DRY_RUN -> out.printf(Locale.ROOT, "total: an import would copy %d items (%d versions) and skip %d; nothing was written (%.1f s)%n",
                    items, versions, skipped, seconds);
            case CHECK -> out.printf(Locale.ROOT, "total: %s (%.1f s)%n",
                    differences == 0 ? "dynamini matches dynamodb-mini" : differences + " differences", seconds);
        }
    }

    private String describe(Tally t) {
        return switch (mode) {
            case IMPORT -> t.copied + " copied (" + t.versionsCopied + " versions), " + t.present + " already there, " + t.skipped + " skipped";
            case DRY_RUN -> t.wouldCopy + " to copy (" + t.versionsToCopy + " versions), " + t.present + " already there, "
                    + t.skipped + " to skip";
            case CHECK -> t.matches + " match, " + t.differs + " differ, " + t.skipped + " not importable";
        };
    }

    private Tally tally(String application, Kind kind) {
        return tallies.computeIfAbsent(application == null ? NO_APPLICATION : application, a -> new EnumMap<>(Kind.class))
                .computeIfAbsent(kind, k -> new Tally());
    }

    private void line(String what, OldItem item, String application, String reason) {
        out.println(what + " " + identify(item, application) + ": " + reason);
    }

    private static String identify(OldItem item, String application) {
        String where = " of application " + (application == null ? "(unknown)" : safe(application));
        if (item.kind() == Kind.COLLECTION) {
            return "collection " + safe(item.id()) + where;
        }
        return "entry " + safe(item.id()) + " in collection " + safe(item.collection()) + where;
    }

    /** An id or application from the old tables, fit for one line of a report. */
    static String safe(String text) {
        if (text == null) {
            return "(unreadable)";
        }
        StringBuilder safe = new StringBuilder();
        text.codePoints().limit(MAX_ID_CHARS).forEach(c -> {
            if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
                safe.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                safe.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > MAX_ID_CHARS ? safe + "..." : safe.toString();
    }
}
