package dev.dynamini.dynamo;

import dev.dynamini.store.Kind;

/** The two tables: collections and entries. */
public record TableNames(String collections, String entries) {
    public String of(Kind kind) {
        return kind == Kind.COLLECTION ? collections : entries;
    }
}
