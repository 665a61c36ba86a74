package dev.dynamini.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention, as the store applies it: after each committed change, the one version that change
 * pushed out of its item's retention is marked to expire (DynamoDB's TTL removes it later); and a
 * version that cannot be read is told apart as removed by retention (410) or never written (404).
 */
final class RetentionMarks {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionMarks.class);

    private final ItemRepository repository;
    private final LiveCollections collections;
    /** Retention by application; an application not in it keeps every version. */
    private final Map<String, RetentionPolicy> retention;

    RetentionMarks(ItemRepository repository, LiveCollections collections, Map<String, RetentionPolicy> retention) {
        this.repository = repository;
        this.collections = collections;
        this.retention = Map.copyOf(retention);
    }

    /**
     * After a change is committed: marks the one version that the change pushed out of the item's
     * retention to expire (docs/storage.md#retention). Version n+1 written at t:
     * <ul>
     *   <li>last N versions: version n+1-N falls out; it expires at t;
     *   <li>D days: version n was the latest until t; it expires at t + D;
     *   <li>both: version n+1-N falls out of the last N; it expires D days after it stopped being
     *       the latest (when version n+2-N was written), or at t if that is past.
     * </ul>
     * One conditional write, on the version item only (never the head; the repository never marks a
     * deleting version). With both rules and N of 3 or more, one read of version n+2-N for its
     * time; for entries of an application with rules by collection name, one read of the
     * collection for its name.
     *
     * <p>Best effort, once the change is durable: a failure here, or a crash before it, leaves
     * that version unmarked, kept for good, and the change is answered all the same.
     */
    void applyRetention(Item previous, Item next) {
        RetentionPolicy policy = retention.get(next.key().scope().application());
        if (policy == null || policy.keepsAll()) {
            return;
        }
        ItemKey key = next.key();
        try {
            Retention rule = ruleFor(policy, key);
            if (rule.keepsAll()) {
                return;
            }
            Instant now = next.updatedAt();
            long version;
            Instant at;
            if (rule.versions().isPresent()) {
                version = next.version() - rule.versions().getAsLong();
                if (version < 1) {
                    return;
                }
                at = now;
                if (rule.days().isPresent()) {
                    Instant keptUntil = replacedAt(key, version, previous, next).plus(rule.keepFor());
                    at = keptUntil.isAfter(now) ? keptUntil : now;
                }
            } else {
                version = previous.version();
                at = now.plus(rule.keepFor());
            }
            if (version == previous.version() && previous.deleted()) {
                return; // deleting versions are kept; no write needed to learn it
            }
            repository.expire(key, version, at);
        } catch (RuntimeException e) {
            // no ids: logs never carry them
            LOG.warn("retention: could not mark a superseded {} version to expire, so it is kept: {}", key.kind().label(), e.toString());
        }
    }

    /** When {@code version} stopped being the latest: when the version after it was written. */
    private Instant replacedAt(ItemKey key, long version, Item previous, Item next) {
        long following = version + 1;
        if (following == next.version()) {
            return next.updatedAt();
        }
        if (following == previous.version()) {
            return previous.updatedAt();
        }
        // not found (a race with a purge): now, which keeps the version longer, never shorter
        return repository.version(key, following).map(Item::updatedAt).orElse(next.updatedAt());
    }

    /** Collections follow the application's rule; entries the rule of their collection's name. */
    private Retention ruleFor(RetentionPolicy policy, ItemKey key) {
        if (key.kind() == Kind.COLLECTION || policy.byCollectionName().isEmpty()) {
            return policy.defaults();
        }
        String name = collections.head(key.scope().parent()).map(collection -> collection.content().name()).orElse(null);
        return policy.forEntriesOf(name);
    }

    /**
     * Whether retention removed the oldest versions of the item, told by version 1 being gone: one
     * read, and only for applications with retention.
     */
    boolean trimmedHistory(ItemKey key) {
        RetentionPolicy policy = retention.get(key.scope().application());
        return policy != null && !policy.keepsAll() && repository.version(key, 1).isEmpty();
    }

    /** A version that cannot be read: 410 if the item had it (retention removed it), else 404. */
    RuntimeException versionMissing(ItemKey key, long version) {
        Optional<Item> head = repository.head(key);
        if (head.isPresent() && version >= 1 && version < head.get().version()) {
            return new TrimmedException(key.kind().label() + " " + key.id() + " version " + version
                    + " is no longer kept: it was removed by the application's retention of old versions");
        }
        return new NotFoundException(key.kind().label() + " " + key.id() + " has no version " + version);
    }
}
