package dev.dynamini.store;

/** A condition of a {@link Change} failed, so nothing of it was written. */
public final class CommitRejectedException extends RuntimeException {
    /** In order of precedence, lowest first: when several conditions fail, the last one decides. */
    public enum Reason {
        /** Another transaction was writing the same items at the same moment; nothing is known to be wrong. */
        CONFLICT,
        /** The claimed name is held by another live item, whose id is {@link #nameHolderId()}. */
        NAME_TAKEN,
        /** Another writer changed the head first (a re-read may show that the name is free after all). */
        ITEM_CHANGED,
        /** The parent collection is missing or deleted. */
        PARENT_NOT_LIVE
    }

    private final Reason reason;
    private final String nameHolderId;

    public CommitRejectedException(Reason reason, String nameHolderId) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.nameHolderId = nameHolderId;
    }

    public Reason reason() {
        return reason;
    }

    public String nameHolderId() {
        return nameHolderId;
    }
}
