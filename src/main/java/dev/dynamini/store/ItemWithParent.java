package dev.dynamini.store;

import java.util.Optional;

/** An entry's head read together with its collection's head, in one request. */
public record ItemWithParent(Optional<Item> item, Optional<Item> parent) {
}
