package dev.dynamini.store;

import java.util.Optional;

/**
 * Writes versions that were made elsewhere (the import from dynamodb-mini), with the numbers and
 * times they were given there. Each goes through the same {@link Change} commit as every change the
 * server makes: the head on condition that it is still {@code previous}, the version item, and the
 * name register. So a version lands whole or not at all, names stay unique among live items, and a
 * rerun after a crash finds exactly the versions the last run wrote.
 *
 * <p>Unlike the server's own changes there is no retry and no live-parent check: the importer
 * decides what to do about a taken name or a changed head, and dynamodb-mini kept writing entries
 * into deleted collections, which their history must show as it was.
 */
public final class ImportedVersions {
    private final ItemRepository repository;

    public ImportedVersions(ItemRepository repository) {
        this.repository = repository;
    }

    /** The latest stored version, to see how much of an item an earlier run wrote. */
    public Optional<Item> head(ItemKey key) {
        return repository.head(key);
    }

    /**
     * Checks a version against the rules every stored version obeys.
     *
     * @throws InvalidInputException saying what is wrong
     */
    public void validate(Item version) {
        ContentRules.validated(version.key().kind(), version.content());
        if (version.version() < 1) {
            throw new InvalidInputException("versions are numbered from 1");
        }
        if (version.deleted() && !version.deletedAt().equals(version.updatedAt())) {
            throw new InvalidInputException("a delete version is written when it deletes");
        }
    }

    /**
     * Writes {@code next} on top of {@code previous}, the item's head as stored (null when
     * {@code next} is version 1).
     *
     * @throws CommitRejectedException {@code ITEM_CHANGED} when the head is no longer
     *     {@code previous}, {@code NAME_TAKEN} (with the holder's id) when another live item of the
     *     scope holds the name, {@code CONFLICT} when another transaction was in the way; nothing
     *     was written
     * @throws InvalidInputException when {@code next} breaks a rule; nothing was written
     */
    public void write(Item previous, Item next) {
        validate(next);
        long expected = previous == null ? 1 : previous.version() + 1;
        if (next.version() != expected) {
            throw new IllegalArgumentException("version " + next.version() + " cannot follow version " + (expected - 1));
        }
        if (previous != null && (!previous.key().equals(next.key()) || !previous.createdAt().equals(next.createdAt()))) {
            throw new IllegalArgumentException("a version must follow a version of the same item");
        }
        repository.commit(new Change(previous, next, NameRules.released(previous, next), NameRules.claimed(previous, next), null));
    }

    /**
     * Writes {@code next} on top of {@code previous} as {@link #write} does, for an import that
     * replays a whole application one item at a time (an export): only the item's {@code last}
     * version claims its name, and no version releases one. Replayed item by item, the intermediate
     * names of two items may cross (a renamed "x" of one item, written before the other item's
     * earlier "x"), though they never clashed when they were written; the final versions' names are
     * unique, as they are in the application exported. Earlier versions never held a register, so
     * nothing is released (releasing would delete another item's register of that name).
     */
    public void writeReplayed(Item previous, Item next, boolean last) {
        validate(next);
        long expected = previous == null ? 1 : previous.version() + 1;
        if (next.version() != expected) {
            throw new IllegalArgumentException("version " + next.version() + " cannot follow version " + (expected - 1));
        }
        if (previous != null && !previous.key().equals(next.key())) {
            throw new IllegalArgumentException("a version must follow a version of the same item");
        }
        repository.commit(new Change(previous, next, null, last ? NameRules.heldName(next) : null, null));
    }
}
