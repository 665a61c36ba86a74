package dev.dynamini.store;

import java.util.Objects;

/**
 * What a version holds besides its metadata: a name, and for entries a JSON value kept as compact
 * JSON text (numbers, unicode and key order as the client sent them). Either may be null.
 */
public record Content(String name, String value) {
    /** A name is a sort key part (its register's): DynamoDB allows 1024 bytes, less the register's prefix. */
    public static final int MAX_NAME_BYTES = 1000;

    public boolean sameAs(Content other) {
        return Objects.equals(name, other.name) && Objects.equals(value, other.value);
    }
}
