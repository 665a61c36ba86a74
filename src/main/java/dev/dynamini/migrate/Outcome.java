package dev.dynamini.migrate;

/**
 * What became of one item.
 *
 * @param versions the versions it concerns: written, to be written, or expected
 * @param note why it was skipped or differs; for a copied item, what was adjusted (a renamed
 *     name), or null
 */
record Outcome(Status status, int versions, String note) {
    enum Status {
        /** Import: versions written (the item may have been partly there from an earlier run). */
        COPIED,
        /** Import or dry run: every version is in dynamini already. */
        PRESENT,
        /** Not copied (or, in a dry run, would not be), for the reason in the note. */
        SKIPPED,
        /** Dry run: versions that an import would write. */
        WOULD_COPY,
        /** Check: dynamini's latest version is dynamodb-mini's. */
        MATCHES,
        /** Check: it is not, as the note says. */
        DIFFERS
    }

    static Outcome skipped(String reason) {
        return new Outcome(Status.SKIPPED, 0, reason);
    }
}
