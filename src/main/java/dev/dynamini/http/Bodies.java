package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.dynamini.store.Item;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/** Reading request bodies (size and media type checked) and sending JSON. */
final class Bodies {
    static final String JSON = "application/json";
    static final String MAX_BYTES = "dynamini.maxBodyBytes";
    /** Set once a list's first byte is on its way: from then on the status is out. */
    private static final String STREAMING = "dynamini.streaming";
    private static final String CUT_OFF_STATUS = "dynamini.cutOffStatus";
    private static final byte[] EMPTY_ARRAY = {'[', ']'};

    private Bodies() {
    }

    /** The body of a POST or PUT; it must be JSON (or undeclared) and within MAX_BODY_BYTES. */
    static byte[] read(Context ctx) {
        requireJsonMediaType(ctx);
        return bounded(ctx);
    }

    /** An optional body (restore): empty when none was sent. */
    static byte[] readOptional(Context ctx) {
        byte[] body = bounded(ctx);
        if (body.length > 0) {
            requireJsonMediaType(ctx);
        }
        return body;
    }

    /** Any body within MAX_BODY_BYTES, whatever its media type (a PATCH checks its own). */
    static byte[] bounded(Context ctx) {
        int max = ctx.attribute(MAX_BYTES);
        long declared = ctx.contentLength();
        if (declared > max) {
            throw tooLarge(max);
        }
        byte[] body;
        try {
            body = ctx.bodyAsBytes();
        } catch (Exception e) { // Javalin (Kotlin) throws the IOException of a broken body undeclared
            if (causedByIo(e)) {
                // the client closed the connection or sent less than it declared: nothing of ours failed
                throw ApiError.badRequest("the request body could not be read completely");
            }
            throw e instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(e);
        }
        if (body.length > max) {
            throw tooLarge(max);
        }
        return body;
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "payload_too_large", "the body is larger than MAX_BODY_BYTES (" + max + " bytes)");
    }

    private static void requireJsonMediaType(Context ctx) {
        // the raw header: Jetty's own parsing throws on a charset it does not know ("application/json" as one)
        String type = ctx.header("Content-Type");
        if (type == null || type.isBlank()) {
            return; // as dynamodb-mini's clients may omit it; the body must still parse as JSON
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(JSON) && !media.endsWith("+json")) {
            throw new ApiError(415, "unsupported_media_type", "the body must be JSON (Content-Type: application/json), not " + media);
        }
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static void send(Context ctx, byte[] json) {
        send(ctx, json, JSON);
    }

    /** JSON of a more specific media type (application/json-patch+json). */
    static void send(Context ctx, byte[] json, String mediaType) {
        ctx.contentType(mediaType);
        // a HEAD answer has no body; Jetty drops it on routed requests, not on every error path
        if (ctx.method() != HandlerType.HEAD) {
            ctx.result(json);
        }
    }

    /**
     * Sends the items as a JSON array while the pages are read, so that a list of any length needs
     * one page of memory. Nothing goes out before the first item, so a failure until then still
     * gets its JSON error. After that the status has been sent, and a failure can only cut the
     * connection ({@link #abortIfStreaming}): a client never takes part of a list for all of it.
     */
    static void sendItems(Context ctx, JsonOut json, Iterator<List<Item>> pages) {
        ctx.contentType(JSON);
        stream(ctx, json, pages, new Framing() {
            @Override
            public void start(JsonGenerator out) throws IOException {
                out.writeStartArray();
            }

            @Override
            public void end(JsonGenerator out) throws IOException {
                out.writeEndArray();
            }

            @Override
            public void none() {
                ctx.result(EMPTY_ARRAY);
            }
        });
    }

    /**
     * Sends the items as NDJSON (one item per line, each ending in a newline) while the pages are
     * read, as {@link #sendItems} sends an array: bounded memory, and a failure after the first
     * line cuts the connection, so a client never takes part of an export for all of it. No item
     * at all is a 204: an empty NDJSON body would be one too, but a 200 promises content.
     */
    static void sendLines(Context ctx, JsonOut json, String mediaType, Iterator<List<Item>> pages) {
        ctx.contentType(mediaType);
        stream(ctx, json, pages, new Framing() {
            @Override
            public void start(JsonGenerator out) {
                out.setRootValueSeparator(null); // the newline is the separator
            }

            @Override
            public void afterItem(JsonGenerator out) throws IOException {
                out.writeRaw('\n');
            }

            @Override
            public void none() {
                ctx.status(204);
            }
        });
    }

    /** How a streamed listing frames its items: an array, or one item per line. */
    private interface Framing {
        void start(JsonGenerator out) throws IOException;

        default void afterItem(JsonGenerator out) throws IOException {
        }

        default void end(JsonGenerator out) throws IOException {
        }

        /** The answer when there is no item at all. */
        void none();
    }

    /** Writes the items as the pages are read; nothing goes out before the first item. */
    private static void stream(Context ctx, JsonOut json, Iterator<List<Item>> pages, Framing framing) {
        JsonGenerator out = null;
        try {
            while (pages.hasNext()) {
                for (Item item : pages.next()) {
                    if (out == null) {
                        ctx.attribute(STREAMING, Boolean.TRUE);
                        out = json.generator(ctx.outputStream());
                        framing.start(out);
                    }
                    JsonOut.writeItem(out, item);
                    framing.afterItem(out);
                }
            }
            if (out == null) {
                framing.none();
                return;
            }
            framing.end(out);
            out.close();
        } catch (IOException clientGone) {
            // the client stopped reading: no one is left to answer, and nothing of ours failed
            // (logged as 499, as nginx logs a client that closed its connection)
            abortIfStreaming(ctx, clientGone, 499);
        }
    }

    /**
     * Cuts the connection of a list whose answer has begun (a failure while it is sent), and keeps
     * the status the failure would have had for the access log; false if no answer has begun, and
     * the failure can still be answered. The answer then lacks its last chunk, which every HTTP
     * client reports as an error. (Aborting Jetty's servlet channel instead leaves a state that
     * Javalin's end of request trips over.)
     */
    static boolean abortIfStreaming(Context ctx, Throwable failure, int status) {
        if (ctx.attribute(STREAMING) == null) {
            return false;
        }
        ctx.attribute(CUT_OFF_STATUS, status);
        ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().getEndPoint().close(failure);
        return true;
    }

    /** The status of the failure that cut a list off, for the access log; null if none did. */
    static Integer cutOffStatus(Context ctx) {
        return ctx.attribute(CUT_OFF_STATUS);
    }
}
