package dev.dynamini.store;

/** Where a listing stopped: the last item returned. The repository resumes strictly after it. */
public record Position(String user, String id, long version) {
    public static Position after(Item item) {
        return new Position(item.key().scope().user(), item.key().id(), item.version());
    }
}
