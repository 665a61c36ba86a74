package dev.dynamini.store;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Listings cut into pages by a client's limit, resumed by a cursor that belongs to one listing
 * (a scope and filter, an instant for as-of listings): shared by the plain and the as-of reads,
 * so that both hand out and accept cursors alike.
 */
final class CursorPaging {
    private final Cursors cursors;

    CursorPaging(Cursors cursors) {
        this.cursors = cursors;
    }

    /** Where the page starts: after the cursor's position, or (null) at the listing's start. */
    Position after(String listing, PageRequest page) {
        return page.cursor() == null ? null : cursors.decode(listing, page.cursor());
    }

    /**
     * With a limit, the page read whole and the cursor of the next one (when more follow). Without,
     * the first DynamoDB page read now and the rest as the answer is sent.
     */
    Listing listingOf(String listing, Iterator<List<Item>> pages, PageRequest page) {
        if (page.unlimited()) {
            return Listing.streamed(pages.hasNext() ? pages.next() : List.of(), pages, OptionalLong.empty());
        }
        Slice slice = Slice.of(pages, page.limit());
        List<Item> items = slice.items();
        Optional<String> next = slice.more() && !items.isEmpty()
                ? Optional.of(cursors.encode(listing, Position.after(items.get(items.size() - 1))))
                : Optional.empty();
        return Listing.of(items, next, OptionalLong.empty());
    }
}
