package dev.dynamini.transfer;

import dev.dynamini.schema.InvalidSchemaException;
import dev.dynamini.store.CommitRejectedException;
import dev.dynamini.store.ImportedVersions;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.ItemRepository;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import java.util.Iterator;
import java.util.List;

/**
 * Loads an export into an application, ids, version numbers and times kept, one line at a time
 * and one atomic commit per version (through {@link ImportedVersions}), so memory stays bounded
 * however long the stream.
 *
 * <p>It checks as it goes and stops at the first bad line: what came before is written. A rerun
 * of the same stream with {@code resume} skips every version already stored (each item's stored
 * head tells how far it got) and writes the rest; a version is never written twice, since each is
 * conditioned on the head being the one before it.
 */
public final class Import {
    /**
     * A concurrent writer on the same items, or a name claim left by an attempt that crashed (an
     * earlier run of this very import): tried again for a few seconds, which outlasts the commit
     * protocol's grace of 1 s, after which an abandoned claim is fenced off (docs/storage.md).
     */
    private static final int CONFLICT_ATTEMPTS = 40;

    private final ItemRepository repository;
    private final ImportedVersions versions;

    public Import(ItemRepository repository, ImportedVersions versions) {
        this.repository = repository;
        this.versions = versions;
    }

    /** What an import did: lines read, versions written, versions found already stored. */
    public record Summary(long lines, long written, long skipped) {
    }

    /**
     * Starts an import into {@code application}: it must hold no collection, unless {@code resume}
     * (a rerun of an import that stopped).
     */
    public Session begin(String application, boolean resume) {
        if (!resume) {
            Iterator<List<Item>> any = repository.heads(Scope.collectionsOfApplication(application), null, 1, false);
            while (any.hasNext()) {
                if (!any.next().isEmpty()) {
                    throw new ImportRejectedException("the application already holds collections: import into an empty application,"
                            + " or add ?resume=true to finish an import of the same stream that stopped", true);
                }
            }
        }
        return new Session(resume);
    }

    /** One import, fed its lines in order. Not for several threads. */
    public final class Session {
        private final boolean resume;
        private long lines;
        private long written;
        private long skipped;
        /** The last line's version of the item being read, for the order checks. */
        private Item lastSeen;
        /** The collection whose entries may follow. */
        private ItemKey collection;
        /** The item's version now stored (null: none), which the next one goes on top of. */
        private Item stored;
        /** A version read but not written: whether it is its item's last is known from the next line. */
        private Item pending;
        private long pendingLine;

        private Session(boolean resume) {
            this.resume = resume;
        }

        /** The version read at line {@code line} (its application already the importing one). */
        public void accept(long line, Item item) {
            lines++;
            try {
                versions.validate(item);
            } catch (InvalidInputException | InvalidSchemaException e) {
                throw bad(line, e.getMessage());
            }
            ItemKey key = item.key();
            boolean sameItem = lastSeen != null && lastSeen.key().equals(key);
            if (sameItem) {
                if (item.version() != lastSeen.version() + 1) {
                    throw bad(line, "version " + item.version() + " of " + describe(key) + " follows version " + lastSeen.version()
                            + ": the versions of an item come in order 1, 2, 3...");
                }
                if (!item.createdAt().equals(lastSeen.createdAt())) {
                    throw bad(line, "createdAt of " + describe(key) + " differs from its version 1's");
                }
            } else {
                if (item.version() != 1) {
                    throw bad(line, describe(key) + " starts at version " + item.version() + ": an item's versions start at 1, in order");
                }
                if (key.kind() == Kind.ENTRY) {
                    ItemKey parent = key.scope().parent();
                    if (!parent.equals(collection)) {
                        throw bad(line, describe(key) + " does not follow its collection's versions: each collection's entries"
                                + " follow it, as the export writes them");
                    }
                } else {
                    collection = key;
                }
                flush(true);
                stored = resume ? versions.head(key).orElse(null) : null;
            }
            lastSeen = item;
            if (stored != null && item.version() <= stored.version()) {
                skipped++; // written by an earlier run of this import
                return;
            }
            flush(false);
            pending = item;
            pendingLine = line;
        }

        /** The end of the stream: writes the last version read. */
        public Summary finish() {
            flush(true);
            return new Summary(lines, written, skipped);
        }

        private void flush(boolean last) {
            if (pending == null) {
                return;
            }
            commit(pendingLine, stored, pending, last);
            stored = pending;
            pending = null;
            written++;
        }

        private void commit(long line, Item previous, Item next, boolean last) {
            for (int attempt = 1; ; attempt++) {
                try {
                    versions.writeReplayed(previous, next, last);
                    return;
                } catch (CommitRejectedException rejected) {
                    switch (rejected.reason()) {
                        case NAME_TAKEN -> throw new ImportRejectedException(prefix(line) + "the name of " + describe(next.key())
                                + " is held by live " + next.key().kind().label() + " " + rejected.nameHolderId(), true);
                        case ITEM_CHANGED, PARENT_NOT_LIVE -> throw new ImportRejectedException(prefix(line) + describe(next.key())
                                + " version " + next.version() + " is already stored or the item changed meanwhile"
                                + (resume ? "" : " (to finish an import that stopped, send the stream again with ?resume=true)"), true);
                        case CONFLICT -> {
                            if (attempt >= CONFLICT_ATTEMPTS) {
                                throw new ImportRejectedException(prefix(line) + "other writers kept getting in the way of "
                                        + describe(next.key()) + "; send the stream again with ?resume=true", true);
                            }
                            pause(attempt);
                        }
                    }
                }
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(100, 5L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static ImportRejectedException bad(long line, String message) {
        return new ImportRejectedException(prefix(line) + message, false);
    }

    private static String prefix(long line) {
        return "line " + line + ": ";
    }

    private static String describe(ItemKey key) {
        Scope scope = key.scope();
        return key.kind() == Kind.COLLECTION
                ? "collection " + key.id() + " of user " + scope.user()
                : "entry " + key.id() + " of collection " + scope.collection() + " of user " + scope.user();
    }
}
