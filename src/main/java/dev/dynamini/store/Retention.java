package dev.dynamini.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which superseded versions of an item are kept: the last {@code versions} versions (the latest
 * counts as one), the versions that were the latest less than {@code days} days ago, or with both
 * rules every version that either rule keeps. A version expires only once no rule keeps it. With
 * no rule, every version is kept (as without retention). The latest version and deleting versions
 * are always kept.
 */
public record Retention(OptionalLong versions, OptionalLong days) {
    public static final long MAX_VERSIONS = 1_000_000_000L;
    public static final long MAX_DAYS = 36_500;
    public static final Retention KEEP_ALL = new Retention(OptionalLong.empty(), OptionalLong.empty());

    public Retention {
        if (versions.isPresent() && (versions.getAsLong() < 1 || versions.getAsLong() > MAX_VERSIONS)) {
            throw new IllegalArgumentException("versions must be from 1 to " + MAX_VERSIONS);
        }
        if (days.isPresent() && (days.getAsLong() < 1 || days.getAsLong() > MAX_DAYS)) {
            throw new IllegalArgumentException("days must be from 1 to " + MAX_DAYS);
        }
    }

    public boolean keepsAll() {
        return versions.isEmpty() && days.isEmpty();
    }

    /** How long a superseded version is kept by the days rule. */
    Duration keepFor() {
        return Duration.ofDays(days.orElseThrow());
    }

    /** For the start-up log: "the last 10 versions or 30 days", "every version". */
    public String describe() {
        List<String> rules = new ArrayList<>();
        versions.ifPresent(n -> rules.add(n == 1 ? "the latest version only" : "the last " + n + " versions"));
        days.ifPresent(d -> rules.add("versions replaced less than " + d + (d == 1 ? " day" : " days") + " ago"));
        return rules.isEmpty() ? "every version" : String.join(" or ", rules);
    }
}
