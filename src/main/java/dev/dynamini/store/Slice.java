package dev.dynamini.store;

import java.util.List;

/** Items read by the repository, and whether more follow the last of them. */
public record Slice(List<Item> items, boolean more) {
}
