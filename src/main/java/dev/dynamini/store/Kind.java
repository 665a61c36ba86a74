package dev.dynamini.store;

/** The two kinds of versioned item. They share one versioning mechanism and differ only in these rules. */
public enum Kind {
    /** A named list of entries; its name is required and unique among the user's live collections. */
    COLLECTION,
    /** A name and/or a JSON value inside a collection; a name, if given, is unique among the live entries. */
    ENTRY;

    public String label() {
        return this == COLLECTION ? "collection" : "entry";
    }
}
