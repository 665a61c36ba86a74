package dev.dynamini.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Locale;

/** Reading request bodies (size and media type checked) and sending JSON. */
final class Bodies {
    static final String JSON = "application/json";
    static final String MAX_BYTES = "dynamini.maxBodyBytes";

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

    private static byte[] bounded(Context ctx) {
        int max = ctx.attribute(MAX_BYTES);
        long declared = ctx.contentLength();
        if (declared > max) {
            throw tooLarge(max);
        }
        byte[] body = ctx.bodyAsBytes();
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

    static void send(Context ctx, byte[] json) {
        ctx.contentType(JSON);
        // a HEAD answer has no body; Jetty drops it on routed requests, not on every error path
        if (ctx.method() != HandlerType.HEAD) {
            ctx.result(json);
        }
    }
}
