package dev.dynamini.store;

import java.util.List;

/**
 * One read of a change feed from the repository: committed versions in feed order; the position of
 * the last change it looked at ({@code reached}, at or after the last one returned: versions it
 * left out, expired ones, count as looked at); and whether more changes follow up to the read's
 * bound.
 */
public record ChangePage(List<Item> changes, String reached, boolean more) {
}
