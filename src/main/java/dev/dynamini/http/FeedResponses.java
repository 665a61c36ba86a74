package dev.dynamini.http;

import dev.dynamini.feed.LiveFeed;
import dev.dynamini.store.ChangeFeed;
import dev.dynamini.store.FeedPage;
import dev.dynamini.store.Item;
import dev.dynamini.store.PageRequest;
import dev.dynamini.store.Scope;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The change feed over HTTP ({@code ?since=} on the list routes): one answer, a waiting one
 * ({@code &wait=}), or a Server-Sent Events stream ({@code Accept: text/event-stream}), each
 * translated to {@link ChangeFeed} and {@link LiveFeed}.
 */
final class FeedResponses {
    static final String NEXT_SINCE = "X-Next-Since";
    static final String MORE = "X-More-Changes";
    static final int MAX_WAIT_SECONDS = 30;
    /**
     * A stream's comment when nothing changed: proxies and idle timeouts keep it open, and a client
     * that went is noticed (only a write tells), so its place is free within this long.
     */
    private static final Duration STREAM_HEARTBEAT = Duration.ofSeconds(3);

    private final ChangeFeed feed;
    private final LiveFeed live;
    private final JsonOut json;
    /** One thread per stream at most (a stream writes one answer at a time), so at most FEED_MAX_STREAMS. */
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "feed-stream-writer");
        thread.setDaemon(true);
        return thread;
    });

    FeedResponses(ChangeFeed feed, LiveFeed live, JsonOut json) {
        this.feed = feed;
        this.live = live;
        this.json = json;
    }

    /** True when the request asks for the feed rather than the list. */
    static boolean asked(Context ctx) {
        return ctx.queryParam("since") != null || wantsStream(ctx) && ctx.header("Last-Event-ID") != null;
    }

    void answer(Context ctx, Scope scope) {
        for (String other : List.of("filter", "cursor", "name", "asOf")) {
            if (ctx.queryParam(other) != null) {
                throw ApiError.badRequest("since reads the change feed; it does not take " + other);
            }
        }
        int limit = limit(ctx);
        Duration wait = waitOf(ctx);
        if (wantsStream(ctx)) {
            stream(ctx, scope, limit);
            return;
        }
        String since = ctx.queryParam("since");
        if (since == null || since.isEmpty()) {
            throw ApiError.badRequest("since must be 0, now, or the X-Next-Since of an earlier answer");
        }
        FeedPage page = feed.read(scope, since, limit);
        if (!page.changes().isEmpty() || wait.isZero()) {
            send(ctx, page);
            return;
        }
        LiveFeed.Place place = live.waitingPlace().orElseThrow(() -> busy(ctx, "waiting feed reads"));
        ctx.future(() -> {
            try {
                return live.next(scope, page.next(), limit, wait).whenComplete((answer, failed) -> {
                    place.close();
                    if (failed == null) {
                        send(ctx, answer);
                    }
                });
            } catch (RuntimeException stopping) {
                place.close();
                throw stopping;
            }
        });
    }

    private void send(Context ctx, FeedPage page) {
        ctx.header(NEXT_SINCE, page.next());
        ctx.header(MORE, Boolean.toString(page.more()));
        ctx.header("Link", "<" + Requests.sameRequestWith(ctx, "since", page.next()) + ">; rel=\"next\"");
        ctx.header("Cache-Control", "no-store");
        Bodies.send(ctx, json.render(out -> {
            out.writeStartArray();
            for (Item change : page.changes()) {
                JsonOut.writeItem(out, change);
            }
            out.writeEndArray();
        }));
    }

    /**
     * A stream of the feed: one event per change ({@code event: change}, the version as data, and as
     * id the token right after it, which {@code Last-Event-ID} resumes from), a comment every
     * {@link #STREAM_HEARTBEAT} without changes. It ends when the client goes or the server stops.
     */
    private void stream(Context ctx, Scope scope, int limit) {
        String lastEventId = ctx.header("Last-Event-ID");
        String since = lastEventId != null && !lastEventId.isBlank() ? lastEventId : Optional.ofNullable(ctx.queryParam("since")).orElse(ChangeFeed.FROM_NOW);
        // read once here, so that a bad token or a feed not kept is an ordinary 4xx
        FeedPage first = feed.read(scope, since, limit);
        LiveFeed.Place place = live.streamPlace().orElseThrow(() -> busy(ctx, "change streams"));
        new SseHandler(0, client -> {
            client.keepAlive();
            client.onClose(place::close);
            emit(client, scope, first);
            follow(client, scope, first, limit);
        }).handle(ctx);
    }

    private void follow(SseClient client, Scope scope, FeedPage previous, int limit) {
        if (client.terminated() || live.closed()) {
            client.close();
            return;
        }
        CompletableFuture<FeedPage> next;
        try {
            next = live.next(scope, previous.next(), limit, STREAM_HEARTBEAT);
        } catch (RuntimeException stopping) {
            client.close();
            return;
        }
        // a slow client blocks its own writer thread, never the feed's readers
        next.whenCompleteAsync((page, failed) -> {
            if (failed != null) {
                client.close();
                return;
            }
            if (page.changes().isEmpty()) {
                client.sendComment("no change");
            } else {
                emit(client, scope, page);
            }
            follow(client, scope, page, limit);
        }, writers);
    }

    private void emit(SseClient client, Scope scope, FeedPage page) {
        for (Item change : page.changes()) {
            client.sendEvent("change", new String(json.item(change), StandardCharsets.UTF_8), feed.tokenAfter(scope, change));
        }
    }

    private static boolean wantsStream(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/event-stream");
    }

    /** {@code limit} as every list reads it; without one, {@link ChangeFeed#DEFAULT_LIMIT}. */
    private static int limit(Context ctx) {
        PageRequest page = Requests.page(ctx);
        return page.unlimited() ? ChangeFeed.DEFAULT_LIMIT : page.limit();
    }

    private static Duration waitOf(Context ctx) {
        String raw = ctx.queryParam("wait");
        if (raw == null) {
            return Duration.ZERO;
        }
        try {
            int seconds = Integer.parseInt(raw.trim());
            if (seconds >= 0 && seconds <= MAX_WAIT_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException notANumber) {
            // below
        }
        throw ApiError.badRequest("wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }

    private static ApiError busy(Context ctx, String what) {
        ctx.header("Retry-After", "1");
        return new ApiError(503, "unavailable", "this instance has as many " + what + " as it takes; try again shortly");
    }

}
