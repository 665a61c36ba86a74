package dev.dynamini.store;

/**
 * {@link ItemRepository#commitAll} was refused, so nothing of any of its changes was written:
 * {@link #index()} is the position, in the list committed, of the change refused (by the judgement
 * of a name register it claims, made before the transaction; or by a condition of the transaction,
 * when several failed the one whose reason ranks highest, then the first), and
 * {@link #rejection()} says why, as {@link ItemRepository#commit} would have.
 */
public final class CommitAllRejectedException extends RuntimeException {
    private final int index;
    private final CommitRejectedException rejection;

    public CommitAllRejectedException(int index, CommitRejectedException rejection) {
        super("change " + index + ": " + rejection.reason(), null, false, false);
        this.index = index;
        this.rejection = rejection;
    }

    public int index() {
        return index;
    }

    public CommitRejectedException rejection() {
        return rejection;
    }
}
