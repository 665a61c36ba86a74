package dev.dynamini.transfer;

/**
 * An import stopped: a line broke the rules ({@code conflict} false: 400), or the application or
 * an item was not as the import needs it ({@code conflict} true: 409). Lines before it were
 * written; the message names the line.
 */
public final class ImportRejectedException extends RuntimeException {
    private final boolean conflict;

    ImportRejectedException(String message, boolean conflict) {
        super(message);
        this.conflict = conflict;
    }

    public boolean conflict() {
        return conflict;
    }
}
