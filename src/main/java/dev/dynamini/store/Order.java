package dev.dynamini.store;

/** Direction of a version history listing. */
public enum Order {
    ASC, DESC
}
