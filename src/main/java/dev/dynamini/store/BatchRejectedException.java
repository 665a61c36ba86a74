package dev.dynamini.store;

/**
 * A batch was refused and wrote nothing, because of the change at {@link #change()} (its index in
 * the batch, from 0). {@link #reason()} is what the single-item route would have thrown for that
 * change: {@link InvalidInputException}, {@link NotFoundException}, {@link NameTakenException},
 * {@link VersionMismatchException} or {@link ContentionException}.
 */
public final class BatchRejectedException extends RuntimeException {
    private final int change;
    private final RuntimeException reason;

    public BatchRejectedException(int change, RuntimeException reason) {
        super("change " + change + ": " + reason.getMessage(), reason, false, false);
        this.change = change;
        this.reason = reason;
    }

    public int change() {
        return change;
    }

    public RuntimeException reason() {
        return reason;
    }
}
