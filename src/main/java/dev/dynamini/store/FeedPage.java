package dev.dynamini.store;

import java.util.List;

/**
 * An answer of a change feed: the changes after the caller's token, each as its new version, the
 * token to resume from (always given: with no change, it may still move on), and whether more
 * changes are ready now.
 */
public record FeedPage(List<Item> changes, String next, boolean more) {
}
