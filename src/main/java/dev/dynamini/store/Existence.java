package dev.dynamini.store;

/** What a PUT requires of its item beforehand: {@code If-Match: *}, {@code If-None-Match: *}, or neither. */
public enum Existence {
    /** Update it if it exists, create it if it never did. */
    ANY,
    /** Update only ({@code If-Match: *}). */
    MUST_EXIST,
    /** Create only ({@code If-None-Match: *}). */
    MUST_NOT_EXIST
}
