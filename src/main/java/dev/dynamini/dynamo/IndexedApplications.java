package dev.dynamini.dynamo;

import java.util.Set;

/**
 * The applications whose versions go into the optional indexes (docs/storage.md): the change
 * feed's ({@code "feed": true}) and the time index of as-of reads ({@code "asOfIndex": true}). Each
 * costs one write unit more per change, so each is the application's choice.
 */
public record IndexedApplications(Set<String> feed, Set<String> asOf) {
    public static final IndexedApplications NONE = new IndexedApplications(Set.of(), Set.of());

    public IndexedApplications {
        feed = Set.copyOf(feed);
        asOf = Set.copyOf(asOf);
    }
}
