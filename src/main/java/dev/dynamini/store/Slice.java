package dev.dynamini.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Items read by the repository, and whether more follow the last of them. */
record Slice(List<Item> items, boolean more) {
    /** At most {@code limit} items of the pages; the pages must offer {@code limit + 1} to tell whether more follow. */
    static Slice of(Iterator<List<Item>> pages, int limit) {
        List<Item> items = new ArrayList<>();
        while (items.size() <= limit && pages.hasNext()) {
            items.addAll(pages.next());
        }
        return items.size() > limit ? new Slice(List.copyOf(items.subList(0, limit)), true) : new Slice(items, false);
    }
}
