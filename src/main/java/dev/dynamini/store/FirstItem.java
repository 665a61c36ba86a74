package dev.dynamini.store;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A listing's pages, noting the first item read: a listing of one item's versions that starts
 * at the oldest tells that its history was trimmed when it does not start at version 1 (or
 * when its first page came back empty: retention's filter dropped it all).
 */
final class FirstItem implements Iterator<List<Item>> {
    private final Iterator<List<Item>> pages;
    private boolean pageRead;
    private Item first;

    FirstItem(Iterator<List<Item>> pages) {
        this.pages = pages;
    }

    @Override
    public boolean hasNext() {
        return pages.hasNext();
    }

    @Override
    public List<Item> next() {
        if (!pages.hasNext()) {
            throw new NoSuchElementException();
        }
        List<Item> page = pages.next();
        if (first == null && !page.isEmpty()) {
            first = page.get(0);
        }
        pageRead = true;
        return page;
    }

    boolean trimmed() {
        return pageRead && (first == null || first.version() > 1);
    }
}
