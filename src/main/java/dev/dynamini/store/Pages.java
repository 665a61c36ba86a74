package dev.dynamini.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/** Pages of items read lazily from the repository, each item turned into another or dropped. */
final class Pages {
    private Pages() {
    }

    /** Each item mapped; an empty result drops it. Pages are read only as they are asked for. */
    static Iterator<List<Item>> map(Iterator<List<Item>> pages, Function<Item, Optional<Item>> mapping) {
        return new Iterator<>() {
            private List<Item> next;

            @Override
            public boolean hasNext() {
                while (next == null && pages.hasNext()) {
                    List<Item> mapped = new ArrayList<>();
                    for (Item item : pages.next()) {
                        mapping.apply(item).ifPresent(mapped::add);
                    }
                    if (!mapped.isEmpty()) {
                        next = mapped;
                    }
                }
                return next != null;
            }

            @Override
            public List<Item> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Item> page = next;
                next = null;
                return page;
            }
        };
    }
}
