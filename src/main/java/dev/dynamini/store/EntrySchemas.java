package dev.dynamini.store;

import dev.dynamini.schema.CompiledSchema;
import dev.dynamini.schema.InvalidSchemaException;
import dev.dynamini.schema.JsonSchemas;
import dev.dynamini.schema.Problem;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON Schema a collection may hold for its entries' values: checked when a collection version
 * sets it ({@link #requireValid}), and applied to every entry write into the collection while it is
 * the collection's current schema ({@link #checkFor}). A schema applies to an entry's value: an
 * entry without a value is not checked. Deletes are not checked, and entries written before a
 * schema was set or changed are not checked again.
 *
 * <p>Compiled schemas are cached by collection and version (a version never changes), so an entry
 * write does not compile its schema again; the cache is bounded in entries and in schema text.
 */
final class EntrySchemas {
    static final int MAX_CACHED = 1000;
    /** Characters of schema text the cache may hold (compiled schemas take a few times that). */
    static final long MAX_CACHED_CHARS = 16L << 20;

    /** What an entry write's new content must pass: returns it, or throws {@link SchemaViolationException}. */
    @FunctionalInterface
    interface Check {
        Check NONE = content -> content;

        Content check(Content content);
    }

    private record Key(ItemKey collection, long version) {
    }

    private final int maxCached;
    private final long maxCachedChars;
    /** Least recently used first. */
    private final LinkedHashMap<Key, CompiledSchema> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedChars;

    EntrySchemas() {
        this(MAX_CACHED, MAX_CACHED_CHARS);
    }

    EntrySchemas(int maxCached, long maxCachedChars) {
        this.maxCached = maxCached;
        this.maxCachedChars = maxCachedChars;
    }

    /**
     * Checks a schema a collection version is to hold.
     *
     * @throws InvalidSchemaException with what is wrong and where in the schema
     */
    static void requireValid(String schema) {
        JsonSchemas.compile(schema);
    }

    /**
     * The check of entries written into the collection whose head is {@code collection}: none when
     * there is no such collection, it is deleted (the write will be refused as such) or it has no
     * schema.
     */
    Check checkFor(Optional<Item> collection) {
        if (collection.isEmpty() || collection.get().deleted() || collection.get().content().schema() == null) {
            return Check.NONE;
        }
        Item head = collection.get();
        CompiledSchema schema = compiled(head);
        return content -> {
            if (content.value() != null) {
                List<Problem> problems = schema.problems(content.value());
                if (!problems.isEmpty()) {
                    throw new SchemaViolationException(head, problems);
                }
            }
            return content;
        };
    }

    private CompiledSchema compiled(Item collection) {
        Key key = new Key(collection.key(), collection.version());
        synchronized (this) {
            CompiledSchema cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // compiled outside the lock: two writers may both compile it, and one copy stays
        CompiledSchema compiled = JsonSchemas.compile(collection.content().schema());
        synchronized (this) {
            CompiledSchema previous = cache.put(key, compiled);
            cachedChars += compiled.sourceChars() - (previous == null ? 0 : previous.sourceChars());
            Iterator<Map.Entry<Key, CompiledSchema>> oldest = cache.entrySet().iterator();
            while ((cache.size() > maxCached || cachedChars > maxCachedChars) && oldest.hasNext()) {
                Map.Entry<Key, CompiledSchema> evicted = oldest.next();
                if (evicted.getKey().equals(key)) {
                    continue; // the one just compiled stays, however large
                }
                cachedChars -= evicted.getValue().sourceChars();
                oldest.remove();
            }
        }
        return compiled;
    }

    /** Compiled schemas held now (for tests). */
    synchronized int cached() {
        return cache.size();
    }
}
