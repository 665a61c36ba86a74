package dev.dynamini.store;

import java.util.Objects;

/**
 * What a version holds besides its metadata: a name, a JSON value, and for collections a JSON
 * Schema that their entries' values must match. Value and schema are kept as compact JSON text
 * (numbers, unicode and key order as the client sent them). Any of them may be null.
 */
public record Content(String name, String value, String schema) {
    /** A name is a sort key part (its register's): DynamoDB allows 1024 bytes, less the register's prefix. */
    public static final int MAX_NAME_BYTES = 1000;

    /** Content without a schema: every entry's, and a collection's that has none. */
    public Content(String name, String value) {
        this(name, value, null);
    }

    public boolean sameAs(Content other) {
        return Objects.equals(name, other.name) && Objects.equals(value, other.value) && Objects.equals(schema, other.schema);
    }
}
