package dev.dynamini.store;

import dev.dynamini.schema.Problem;
import java.util.List;

/** An entry write whose value does not match its collection's current JSON Schema (400); nothing was written. */
public final class SchemaViolationException extends RuntimeException {
    private final transient List<Problem> problems;

    SchemaViolationException(Item collection, List<Problem> problems) {
        super("the value does not match the schema of collection " + collection.key().id() + " (version " + collection.version() + "): "
                + problems.get(0).message() + (problems.get(0).path().isEmpty() ? "" : " (at " + problems.get(0).path() + ")")
                + (problems.size() > 1 ? ", and " + (problems.size() - 1) + " more in details" : ""), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Every problem the validator found (up to its limit), each with where in the value. */
    public List<Problem> problems() {
        return problems;
    }
}
