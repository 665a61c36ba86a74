package dev.dynamini.store;

/** Another live item of the scope holds the name (409); carries that item (none when it is not stored yet: another change of the same batch). */
public final class NameTakenException extends RuntimeException {
    private final transient Item holder;

    public NameTakenException(Item holder) {
        super("the name '" + holder.content().name() + "' is taken by " + holder.key().kind().label() + " " + holder.key().id());
        this.holder = holder;
    }

    /** A clash with an item not stored yet (another change of the same batch claims the name). */
    public NameTakenException(String message) {
        super(message);
        this.holder = null;
    }

    public Item holder() {
        return holder;
    }
}
