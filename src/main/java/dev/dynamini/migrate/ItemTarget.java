package dev.dynamini.migrate;

import dev.dynamini.store.Item;
import java.util.List;

/** What a run does with one item's expected versions: copy them, say what it would copy, or compare. */
interface ItemTarget {
    Outcome apply(List<Item> expected);
}
