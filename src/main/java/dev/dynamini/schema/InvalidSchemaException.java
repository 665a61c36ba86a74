package dev.dynamini.schema;

import java.util.List;

/** A schema that is not a valid JSON Schema, or one this server will not use (a remote {@code $ref}). */
public final class InvalidSchemaException extends RuntimeException {
    private final transient List<Problem> problems;

    InvalidSchemaException(String message, List<Problem> problems) {
        super(message, null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** What is wrong, where in the schema. */
    public List<Problem> problems() {
        return problems;
    }
}
