package dev.dynamini.store;

/** One versioned item: its scope and its id. */
public record ItemKey(Scope scope, String id) {
    public Kind kind() {
        return scope.kind();
    }
}
