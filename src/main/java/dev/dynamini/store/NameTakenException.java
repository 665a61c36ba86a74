package dev.dynamini.store;

/** Another live item of the scope holds the name (409); carries that item. */
public final class NameTakenException extends RuntimeException {
    private final transient Item holder;

    public NameTakenException(Item holder) {
        super("the name '" + holder.content().name() + "' is taken by " + holder.key().kind().label() + " " + holder.key().id());
        this.holder = holder;
    }

    public Item holder() {
        return holder;
    }
}
