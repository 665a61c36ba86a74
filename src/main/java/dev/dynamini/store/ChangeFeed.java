package dev.dynamini.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The change feed of a listing (a collection's entries, a user's collections, every collection of
 * an application): every change after a token, in commit order, each as its new version
 * (docs/storage.md, "The change feed").
 *
 * <p>Changes are ordered by their {@link FeedPosition}, whose stamp is the version's
 * {@code updatedAt}. A write stamps its version before it lands, so a reader must not pass a stamp
 * a write may still land under: it reads only up to its <em>bound</em>, the earlier of now minus
 * {@code settle} (for writes of other instances) and just before the oldest write of this instance
 * still under way ({@link WritesInFlight}). Nothing can land at or below the bound any more, so a
 * token at the bound never skips a change, and a token is a position, so nothing is repeated.
 */
public final class ChangeFeed {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = PageRequest.MAX_LIMIT;
    /** The {@code since} that starts at the first change kept. */
    public static final String FROM_START = "0";
    /** The {@code since} that starts at the bound: only changes from now on. */
    public static final String FROM_NOW = "now";

    private final ItemRepository repository;
    private final Cursors tokens;
    /** Also the clock of the bound: it is read together with the writes under way. */
    private final WritesInFlight writes;
    private final Duration settle;
    private final Predicate<String> keepsFeed;

    /**
     * {@code settle}: how long after its stamp a write of another instance may still land (0 when
     * this instance is the only writer); {@code keepsFeed}: the applications whose changes are
     * indexed for the feed.
     */
    public ChangeFeed(ItemRepository repository, Cursors tokens, WritesInFlight writes, Duration settle,
            Predicate<String> keepsFeed) {
        this.repository = repository;
        this.tokens = tokens;
        this.writes = writes;
        this.settle = settle;
        this.keepsFeed = keepsFeed;
    }

    /**
     * Up to {@code limit} changes of the scope after {@code since} ({@link #FROM_START},
     * {@link #FROM_NOW} or a token this feed gave for the same listing), and the token to go on from.
     */
    public FeedPage read(Scope scope, String since, int limit) {
        if (!keepsFeed.test(scope.application())) {
            throw new InvalidInputException("application " + scope.application() + " keeps no change feed: its API key entries need"
                    + " \"feed\": true (docs/operations.md)");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
        String listing = listing(scope);
        String bound = FeedPosition.endOf(bound());
        String after = switch (since) {
            case FROM_START -> FeedPosition.START;
            case FROM_NOW -> bound;
            default -> position(listing, since);
        };
        if (after.compareTo(bound) >= 0) {
            return new FeedPage(List.of(), tokens.sign(listing, after), false);
        }
        ChangePage page = repository.changes(scope, after, bound, limit);
        // read to the bound: nothing can land below it any more, so the token may move up to it
        String reached = page.more() ? page.reached() : bound;
        return new FeedPage(page.changes(), tokens.sign(listing, reached), page.more());
    }

    /** The token that resumes the scope's feed right after {@code change} (an event id of a stream). */
    public String tokenAfter(Scope scope, Item change) {
        return tokens.sign(listing(scope), FeedPosition.of(change));
    }

    /** The instant up to which every change has landed that ever will. */
    private Instant bound() {
        return boundAt(writes.moment(), settle);
    }

    /**
     * The bound at {@code moment}: the millisecond before now less {@code settle} (a write of this
     * instance that begins from now on may still stamp its change in now's millisecond, since
     * positions have millisecond stamps), and the one before the oldest write under way.
     */
    static Instant boundAt(WritesInFlight.Moment moment, Duration settle) {
        Instant bound = moment.now().minus(settle).minusMillis(1);
        Instant oldestWrite = moment.oldest().map(began -> began.minusMillis(1)).orElse(bound);
        return oldestWrite.isBefore(bound) ? oldestWrite : bound;
    }

    private String position(String listing, String token) {
        String position = tokens.verify(listing, token,
                "since is not a token of this listing's change feed; use 0, now, or the X-Next-Since of an earlier answer");
        if (!FeedPosition.wellFormed(position)) {
            throw new InvalidInputException("since is not a token of this listing's change feed");
        }
        return position;
    }

    private static String listing(Scope scope) {
        return "feed|" + scope.describe();
    }
}
