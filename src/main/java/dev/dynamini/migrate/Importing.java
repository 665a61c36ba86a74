package dev.dynamini.migrate;

import dev.dynamini.store.CommitRejectedException;
import dev.dynamini.store.Content;
import dev.dynamini.store.ImportedVersions;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import java.util.List;

/**
 * Copies the versions dynamini does not hold yet, one atomic commit each, in order. A crash between
 * two leaves a prefix of the history, which the next run finds and completes; a version is never
 * written twice, since each is conditioned on the head being the one before it.
 */
final class Importing implements ItemTarget {
    /**
     * A concurrent writer on the same items, or a name claim left by an attempt that crashed (an
     * earlier run of this very import): tried again for a few seconds, which outlasts the commit
     * protocol's grace of 1 s, after which an abandoned claim is fenced off (docs/storage.md).
     */
    private static final int CONFLICT_ATTEMPTS = 40;

    private final ImportedVersions versions;

    Importing(ImportedVersions versions) {
        this.versions = versions;
    }

    /**
     * A head that moved while writing is looked at again: the commit protocol may have finished an
     * earlier attempt of this very import (cut short by throttling or a crash) by rolling its version
     * forward, and then the history stored is simply further along.
     */
    @Override
    public Outcome apply(List<Item> expected) {
        for (int attempt = 1; ; attempt++) {
            try {
                return applyOnce(expected, attempt == CONFLICT_ATTEMPTS);
            } catch (HeadMoved moved) {
                pause(attempt);
            }
        }
    }

    /** Thrown when the head moved and another look may tell why. */
    private static final class HeadMoved extends RuntimeException {
        HeadMoved() {
            super(null, null, false, false);
        }
    }

    private Outcome applyOnce(List<Item> expected, boolean lastLook) {
        StoredHistory stored = StoredHistory.of(versions.head(expected.get(0).key()), expected);
        if (stored.difference() != null) {
            return Outcome.skipped(stored.difference() + "; left as it is");
        }
        if (stored.complete(expected)) {
            return new Outcome(Outcome.Status.PRESENT, expected.size(), null);
        }
        Item previous = stored.head().orElse(null);
        String note = null;
        int written = 0;
        for (Item wanted : expected.subList(stored.present(), expected.size())) {
            Item next = keepingRename(previous, wanted);
            try {
                try {
                    write(previous, next);
                } catch (CommitRejectedException rejected) {
                    if (rejected.reason() != CommitRejectedException.Reason.NAME_TAKEN) {
                        throw rejected;
                    }
                    next = renamed(wanted);
                    write(previous, next);
                    if (note == null) {
                        note = "its name is held by live " + wanted.key().kind().label() + " " + Report.safe(rejected.nameHolderId())
                                + ", so it was imported under its name followed by \" (<its id>)\"";
                    }
                }
            } catch (CommitRejectedException rejected) {
                if (rejected.reason() == CommitRejectedException.Reason.ITEM_CHANGED && !lastLook) {
                    throw new HeadMoved();
                }
                return Outcome.skipped(partly(written, expected.size()) + switch (rejected.reason()) {
                    case NAME_TAKEN -> "its name and its renamed name are both held by other live items";
                    case ITEM_CHANGED -> "it was changed in dynamini while being imported";
                    default -> "other transactions kept getting in the way";
                });
            } catch (InvalidInputException invalid) {
                return Outcome.skipped(partly(written, expected.size()) + invalid.getMessage());
            }
            previous = next;
            written++;
        }
        return new Outcome(Outcome.Status.COPIED, written, note);
    }

    private void write(Item previous, Item next) {
        for (int attempt = 1; ; attempt++) {
            try {
                versions.write(previous, next);
                return;
            } catch (CommitRejectedException rejected) {
                if (rejected.reason() != CommitRejectedException.Reason.CONFLICT || attempt >= CONFLICT_ATTEMPTS) {
                    throw rejected;
                }
                pause(attempt);
            }
        }
    }

    /**
     * A version that keeps the name its item already holds under a clash rename: the item that took
     * the name first still holds it, so trying the name again would only fail again.
     */
    private static Item keepingRename(Item previous, Item wanted) {
        String name = wanted.content().name();
        if (previous != null && previous.live() && name != null
                && NameClashes.renamed(name, wanted.key().id()).equals(previous.content().name())) {
            return renamed(wanted);
        }
        return wanted;
    }

    private static Item renamed(Item wanted) {
        Content content = new Content(NameClashes.renamed(wanted.content().name(), wanted.key().id()), wanted.content().value());
        return new Item(wanted.key(), wanted.version(), content, wanted.createdAt(), wanted.updatedAt(), wanted.deletedAt());
    }

    private static String partly(int written, int total) {
        return written == 0 ? "" : "after " + written + " of " + total + " versions: ";
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(100, 5L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
