package dev.dynamini.store;

import java.util.List;
import java.util.Optional;

/** One page of a listing and the cursor of the next page, if there is one. */
public record Page(List<Item> items, Optional<String> nextCursor) {
}
