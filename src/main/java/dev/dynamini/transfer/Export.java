package dev.dynamini.transfer;

import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.ItemRepository;
import dev.dynamini.store.Order;
import dev.dynamini.store.Position;
import dev.dynamini.store.Scope;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every version of every item of an application, in one deterministic order: collections in the
 * order of the {@code byApplication} index (by id, as {@code GET /api/collection} lists them), each
 * collection's versions followed by every version of its entries (entries by id, versions
 * ascending). Pages are read as they are asked for, so an export of any size holds one page of
 * collection heads and one page of versions.
 */
public final class Export {
    private final ItemRepository repository;

    public Export(ItemRepository repository) {
        this.repository = repository;
    }

    /** The pages of the export, strictly after {@code after} (null: from the start). */
    public Iterator<List<Item>> pages(String application, ExportPosition after) {
        Scope collections = Scope.collectionsOfApplication(application);
        Deque<Supplier<Iterator<List<Item>>>> sources = new ArrayDeque<>();
        Position afterCollection = null;
        if (after != null) {
            // the collection of the position is finished first (read by its key), then the index
            // goes on strictly after it
            ItemKey collection = Scope.collectionsOf(application, after.user()).item(after.collection());
            Scope entries = Scope.entriesOf(application, after.user(), after.collection());
            Optional<Item> head = repository.head(collection);
            if (head.isPresent()) {
                if (after.entry() == null) {
                    sources.add(() -> repository.versionsOf(head.get(), new Position(after.user(), after.collection(), after.version()),
                            ItemRepository.EVERYTHING, Order.ASC));
                    sources.add(() -> repository.versionsInScope(entries, null, ItemRepository.EVERYTHING));
                } else {
                    sources.add(() -> repository.versionsInScope(entries, new Position(after.user(), after.entry(), after.version()),
                            ItemRepository.EVERYTHING));
                }
            }
            afterCollection = new Position(after.user(), after.collection(), 0);
        }
        Iterator<List<Item>> heads = repository.heads(collections, afterCollection, ItemRepository.EVERYTHING, false);
        return new Iterator<>() {
            private Iterator<List<Item>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!sources.isEmpty()) {
                        current = sources.poll().get();
                    } else if (heads.hasNext()) {
                        for (Item head : heads.next()) {
                            ItemKey key = head.key();
                            sources.add(() -> repository.versionsOf(head, null, ItemRepository.EVERYTHING, Order.ASC));
                            sources.add(() -> repository.versionsInScope(
                                    Scope.entriesOf(application, key.scope().user(), key.id()), null, ItemRepository.EVERYTHING));
                        }
                    } else {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public List<Item> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
