package dev.dynamini.store;

/**
 * Where items of one kind live side by side: a user's collections, or one collection's entries.
 * Names are unique among the live items of a scope. A collection scope without a user stands for
 * every user of the application (read-only listings).
 */
public record Scope(Kind kind, String application, String user, String collection) {

    public static Scope collectionsOf(String application, String user) {
        return new Scope(Kind.COLLECTION, application, user, null);
    }

    public static Scope collectionsOfApplication(String application) {
        return new Scope(Kind.COLLECTION, application, null, null);
    }

    public static Scope entriesOf(String application, String user, String collection) {
        return new Scope(Kind.ENTRY, application, user, collection);
    }

    public boolean wholeApplication() {
        return user == null;
    }

    public ItemKey item(String id) {
        return new ItemKey(this, id);
    }

    /** The collection that holds an entry scope's items: it must be live for entries to be written. */
    public ItemKey parent() {
        if (kind != Kind.ENTRY) {
            throw new IllegalStateException("only entries have a parent");
        }
        return collectionsOf(application, user).item(collection);
    }

    /** Identifies a listing for cursors, so that a cursor of one listing is refused by every other. */
    String describe() {
        return kind + "|" + application + "|" + user + "|" + collection;
    }
}
