package dev.dynamini.store;

/** The result of a create: the new item, or the existing live item the request was equal to. */
public record Created(Item item, boolean created) {
}
