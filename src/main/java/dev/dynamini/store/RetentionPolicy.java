package dev.dynamini.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * An application's retention: {@code defaults} for its collections and for the entries of every
 * collection whose name has no rule of its own in {@code byCollectionName}. A collection's rule
 * replaces the defaults whole (a rule {@link Retention#KEEP_ALL} exempts that collection's entries),
 * and it applies to the entries of every user's collection of that name, by the name the collection
 * has when an entry changes. Collection items themselves always follow {@code defaults}.
 */
public record RetentionPolicy(Retention defaults, Map<String, Retention> byCollectionName) {
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(Retention.KEEP_ALL, Map.of());

    public RetentionPolicy {
        byCollectionName = Map.copyOf(byCollectionName);
    }

    /** The rule of the entries of a collection that has this name (null: unknown, the defaults). */
    public Retention forEntriesOf(String collectionName) {
        return collectionName == null ? defaults : byCollectionName.getOrDefault(collectionName, defaults);
    }

    /** True when nothing of the application ever expires. */
    public boolean keepsAll() {
        return defaults.keepsAll() && byCollectionName.values().stream().allMatch(Retention::keepsAll);
    }

    /** For the start-up log. */
    public String describe() {
        StringBuilder out = new StringBuilder("keeps ").append(defaults.describe());
        new TreeMap<>(byCollectionName).forEach((name, rule) ->
                out.append("; entries of collections named '").append(name).append("': ").append(rule.describe()));
        return out.toString();
    }
}
