package dev.dynamini.store;

/**
 * Which name a change releases and which it claims in the scope's name register. Names are
 * registered while their item is live, so deleted items free their names. Shared by the server's
 * changes and by imported versions, so that both keep the register the same way.
 */
final class NameRules {
    private NameRules() {
    }

    /** The name the item holds in the register: its name while it is live (none for no item). */
    static String heldName(Item item) {
        return item != null && item.live() ? item.content().name() : null;
    }

    static String released(Item current, Item next) {
        String held = heldName(current);
        return held != null && !held.equals(heldName(next)) ? held : null;
    }

    static String claimed(Item current, Item next) {
        String wanted = heldName(next);
        return wanted != null && !wanted.equals(heldName(current)) ? wanted : null;
    }
}
