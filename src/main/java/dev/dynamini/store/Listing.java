package dev.dynamini.store;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a read or a list answers, ready to be sent: first what must be known before the first item
 * goes out (the cursor of the next page, the latest version of the item read), then the items in
 * order, a DynamoDB page at a time.
 *
 * <p>The first page is read before a listing is made, so a missing item or an unreachable DynamoDB
 * is known while an error can still be answered. The other pages are read only as {@link #pages()}
 * is iterated, while the answer is being sent: a listing of any length needs one page of memory.
 * A listing can be iterated once.
 */
public final class Listing {
    private final Iterator<List<Item>> pages;
    private final boolean empty;
    private final Optional<String> nextCursor;
    private final OptionalLong latestVersion;
    private final boolean historyTrimmed;

    private Listing(Iterator<List<Item>> pages, boolean empty, Optional<String> nextCursor, OptionalLong latestVersion) {
        this(pages, empty, nextCursor, latestVersion, false);
    }

    private Listing(Iterator<List<Item>> pages, boolean empty, Optional<String> nextCursor, OptionalLong latestVersion, boolean historyTrimmed) {
        this.pages = pages;
        this.empty = empty;
        this.nextCursor = nextCursor;
        this.latestVersion = latestVersion;
        this.historyTrimmed = historyTrimmed;
    }

    /** The same listing, saying whether the item's oldest versions were removed by retention. */
    Listing withHistoryTrimmed(boolean trimmed) {
        return trimmed == historyTrimmed ? this : new Listing(pages, empty, nextCursor, latestVersion, trimmed);
    }

    /** Items already in memory (a page cut at its limit, one item). */
    static Listing of(List<Item> items, Optional<String> nextCursor, OptionalLong latestVersion) {
        return new Listing(items.isEmpty() ? Collections.emptyIterator() : List.of(items).iterator(), items.isEmpty(), nextCursor, latestVersion);
    }

    static Listing empty() {
        return of(List.of(), Optional.empty(), OptionalLong.empty());
    }

    /** The first page already read, the rest to be read as they are asked for. */
    static Listing streamed(List<Item> first, Iterator<List<Item>> rest, OptionalLong latestVersion) {
        boolean empty = first.isEmpty() && !rest.hasNext();
        return new Listing(new Iterator<>() {
            private List<Item> head = first;

            @Override
            public boolean hasNext() {
                return head != null || rest.hasNext();
            }

            @Override
            public List<Item> next() {
                if (head != null) {
                    List<Item> page = head;
                    head = null; // let the first page go once it is sent
                    return page;
                }
                if (!rest.hasNext()) {
                    throw new NoSuchElementException();
                }
                return rest.next();
            }
        }, empty, Optional.empty(), latestVersion);
    }

    /** Known to hold no item: its first page was empty and the last one. */
    boolean isEmpty() {
        return empty;
    }

    /** The pages of items, in order; each page after the first is read from DynamoDB when asked for. */
    public Iterator<List<Item>> pages() {
        return pages;
    }

    /** The cursor of the next page, when the listing was cut at its {@code limit}. */
    public Optional<String> nextCursor() {
        return nextCursor;
    }

    /** The latest version of the item read (for its ETag); empty for lists of many items. */
    public OptionalLong latestVersion() {
        return latestVersion;
    }

    /**
     * For the versions of one item: true when its history no longer starts at version 1, the
     * oldest versions having been removed by retention (X-History-Trimmed).
     */
    public boolean historyTrimmed() {
        return historyTrimmed;
    }
}
