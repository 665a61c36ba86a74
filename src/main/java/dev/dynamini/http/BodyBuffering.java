package dev.dynamini.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every request body in full before the request goes on to Javalin, without a thread: bytes
 * are taken as Jetty reports them and nobody waits in between. Javalin reads bodies with blocking
 * I/O, so without this each slow client held one of Jetty's threads until its body was complete,
 * and a few hundred slow uploads left none for anyone else.
 *
 * <p>A body must keep up with {@link Limits#minBytesPerSecond()} once {@link Limits#grace()} has
 * passed since the request's headers: at any time t after them at least {@code rate * (t - grace)}
 * bytes must have arrived, so a body of n bytes is complete by {@code grace + n / rate} at the
 * latest. A body that falls behind, or that sends nothing for {@link Limits#idleTimeout()}, is
 * answered 408 and its connection closed; it never reaches a route, so it writes nothing.
 *
 * <p>Jetty's own minimum data rate (HttpConfiguration#setMinRequestDataRate, MinimumDataRateHandler)
 * is checked only when the application reads, which with blocking reads is after a thread has
 * waited for the bytes; it cannot keep threads free, this can.
 */
final class BodyBuffering implements EagerContentHandler.ContentLoaderFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BodyBuffering.class);
    /** First buffer of a body; it doubles as bytes come, so a client that declares much and sends little costs little. */
    private static final int INITIAL_BUFFER = 8192;

    /** The limits on a body still arriving; {@code minBytesPerSecond} 0 turns the rate check off. */
    record Limits(long minBytesPerSecond, Duration grace, Duration idleTimeout) {
    }

    private final int maxBodyBytes;
    private final Limits limits;
    private final JsonOut json;
    private final Runnable tooSlow;

    /** {@code tooSlow} is told of every body cut off (for metrics). */
    BodyBuffering(int maxBodyBytes, Limits limits, JsonOut json, Runnable tooSlow) {
        this.maxBodyBytes = maxBodyBytes;
        this.limits = limits;
        this.json = json;
        this.tooSlow = tooSlow;
    }

    /** The Jetty handler to put in front of Javalin. */
    EagerContentHandler handler() {
        return new EagerContentHandler(this);
    }

    @Override
    public String getApplicableMimeType() {
        return null; // every media type: a 415 is for the route to decide, after the body
    }

    @Override
    public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler next,
                                                              Request request, Response response, Callback callback) {
        if (request.getLength() > maxBodyBytes) {
            return null; // answered 413 from the declared length, without reading the body
        }
        if (TransferRoutes.IMPORT_PATH.equalsIgnoreCase(Request.getPathInContext(request))) {
            // an import may be far larger than MAX_BODY_BYTES: its route reads it line by line as
            // it arrives (bounded by the line, not the body), so it is not buffered here, and the
            // minimum data rate does not apply to it (it needs a read-write key; Jetty's idle
            // timeout still ends a silent one)
            return null;
        }
        return new Loader(next, request, response, callback);
    }

    /** One body being read. Jetty's demand callbacks and the rate timer meet under its lock. */
    private final class Loader extends EagerContentHandler.ContentLoader implements Invocable.Task {
        private final long start = System.nanoTime();
        private byte[] buffer;
        private int size;
        /** Set once the body went on to Javalin or was cut off: from then on neither reads nor answers. */
        private boolean finished;
        private Scheduler.Task timer;

        Loader(Handler next, Request request, Response response, Callback callback) {
            super(next, request, response, callback);
            long declared = request.getLength();
            buffer = new byte[(int) Math.min(declared > 0 ? declared : INITIAL_BUFFER, Math.min(INITIAL_BUFFER, maxBodyBytes + 1L))];
        }

        @Override
        protected void load() {
            if (limits.minBytesPerSecond() > 0) {
                synchronized (this) {
                    schedule(limits.grace().toNanos());
                }
            }
            read(false);
        }

        /** Jetty's demand callback: more content, a failure, or its idle timeout. */
        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING; // it only copies bytes; Javalin runs on a pool thread
        }

        private void read(boolean onDemand) {
            while (true) {
                Content.Chunk chunk;
                synchronized (this) {
                    if (finished) {
                        return;
                    }
                    chunk = getRequest().read();
                    if (chunk != null && !Content.Chunk.isFailure(chunk)) {
                        append(chunk);
                        chunk.release();
                        boolean complete = chunk.isLast() || size > maxBodyBytes;
                        if (!complete) {
                            continue;
                        }
                        finish();
                    }
                }
                if (chunk == null) {
                    getRequest().demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk, false)) {
                    // Jetty's idle timeout, which it also shortens for open connections once a stop
                    // has begun: an upload accepted before the stop may go on within the rate
                    if (stopping()) {
                        continue;
                    }
                    cutOff("no part of the request body arrived for " + limits.idleTimeout().toMillis() + " ms");
                    return;
                }
                if (Content.Chunk.isFailure(chunk, true)) {
                    synchronized (this) {
                        if (finished) {
                            return;
                        }
                        finish();
                    }
                    // the client went away or broke the framing: the route reads what came and the
                    // failure, and answers as it always has (a 400, which the access log records)
                    dispatch(onDemand, chunk);
                    return;
                }
                // complete, or one byte over MAX_BODY_BYTES, which is enough for the route's 413
                dispatch(onDemand, null);
                return;
            }
        }

        /** On the scheduler: cuts the body off if it is behind the rate, else looks again when it would be. */
        private void check() {
            long due;
            synchronized (this) {
                if (finished) {
                    return;
                }
                due = allowedNanos() - (System.nanoTime() - start);
                if (due > 0) {
                    schedule(due);
                    return;
                }
            }
            cutOff("the request body arrived slower than " + limits.minBytesPerSecond() + " bytes/s (MIN_REQUEST_DATA_RATE) after "
                    + limits.grace().toMillis() + " ms");
        }

        /** How long after the headers the bytes received so far may take: grace + size / rate. */
        private long allowedNanos() {
            return limits.grace().toNanos() + size * 1_000_000_000L / limits.minBytesPerSecond();
        }

        private void schedule(long nanos) {
            timer = getRequest().getComponents().getScheduler().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
        }

        private void append(Content.Chunk chunk) {
            ByteBuffer bytes = chunk.getByteBuffer();
            int take = (int) Math.min(bytes.remaining(), maxBodyBytes + 1L - size);
            if (size + take > buffer.length) {
                byte[] larger = new byte[(int) Math.min(Math.max(buffer.length * 2L, size + take), maxBodyBytes + 1L)];
                System.arraycopy(buffer, 0, larger, 0, size);
                buffer = larger;
            }
            bytes.get(buffer, size, take);
            size += take;
        }

        private void finish() {
            finished = true;
            if (timer != null) {
                timer.cancel();
            }
        }

        private boolean stopping() {
            return getRequest().getConnectionMetaData().getConnector().isShutdown();
        }

        private void cutOff(String reason) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finish();
            }
            tooSlow.run();
            LOG.debug("request body cut off after {} bytes: {}", size, reason);
            Response response = getResponse();
            response.setStatus(HttpStatus.REQUEST_TIMEOUT_408);
            // the rest of the body may still come: on this connection it would read as a new request
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Bodies.JSON);
            response.write(true, ByteBuffer.wrap(json.error(new ApiError(408, "request_timeout", reason))), getCallback());
        }

        /** Hands the request on with its body (and a failure after it, if one ended it) from memory. */
        private void dispatch(boolean onDemand, Content.Chunk failure) {
            Deque<Content.Chunk> body = new ArrayDeque<>(2);
            body.add(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, size), failure == null));
            if (failure != null) {
                body.add(failure);
            }
            Request buffered = new BufferedRequest(getRequest(), body);
            if (onDemand) {
                // a demand callback may run on Jetty's selector thread, which must never block
                getRequest().getContext().execute(() -> handle(buffered, getResponse(), getCallback()));
            } else {
                handle(buffered, getResponse(), getCallback());
            }
        }
    }

    /** A request whose content is already in memory. */
    private static final class BufferedRequest extends Request.Wrapper {
        private final Deque<Content.Chunk> chunks;

        BufferedRequest(Request wrapped, Deque<Content.Chunk> chunks) {
            super(wrapped);
            this.chunks = chunks;
        }

        @Override
        public synchronized Content.Chunk read() {
            Content.Chunk next = chunks.pollFirst();
            if (next == null) {
                return Content.Chunk.EOF; // past the last chunk, or past MAX_BODY_BYTES + 1
            }
            if (Content.Chunk.isFailure(next)) {
                chunks.addFirst(next); // a failure stays, as Jetty's own do
            }
            return next;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // read() always has something
        }
    }
}
