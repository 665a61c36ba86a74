package dev.dynamini.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS headers for the origins in CORS_ORIGINS. CORS only tells a browser whether a page of
 * another origin may see an answer: a request from an origin not listed is served like any other
 * (the API key decides what it may do), just without the grant. Javalin's CORS plugin answered
 * those with status 400 and the full body instead, which misled clients and metrics alike.
 */
final class Cors {
    private final boolean anyOrigin;
    private final Set<String> origins;
    private final String exposed;
    private final String maxAgeSeconds;

    /** {@code origins}: "*" or origins such as https://app.example.com (validated by Config). */
    Cors(List<String> origins, List<String> exposedHeaders, int maxAgeSeconds) {
        this.anyOrigin = origins.contains("*");
        this.origins = origins.stream().map(Cors::normalize).collect(Collectors.toUnmodifiableSet());
        this.exposed = String.join(", ", exposedHeaders);
        this.maxAgeSeconds = Integer.toString(maxAgeSeconds);
    }

    /** Before every request: the grant, for an allowed origin only. */
    void grant(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !(anyOrigin || origins.contains(normalize(origin)))) {
            return;
        }
        ctx.header("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
        if (!anyOrigin) {
            ctx.header("Vary", "Origin"); // the answer differs by origin: caches must keep them apart
        }
        ctx.header("Access-Control-Expose-Headers", exposed);
        if (ctx.method() == HandlerType.OPTIONS) {
            String method = ctx.header("Access-Control-Request-Method");
            String headers = ctx.header("Access-Control-Request-Headers");
            if (method != null) {
                ctx.header("Access-Control-Allow-Methods", method);
            }
            if (headers != null) {
                ctx.header("Access-Control-Allow-Headers", headers);
            }
            if (method != null || headers != null) {
                ctx.header("Access-Control-Max-Age", maxAgeSeconds);
            }
        }
    }

    /** After every request: a preflight has no route of its own, and is answered 200 rather than 404 or 405. */
    void answerPreflight(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS && (ctx.statusCode() == 404 || ctx.statusCode() == 405)) {
            ctx.status(200).result("");
        }
    }

    /** Origins compare by scheme, host and port: case-insensitive, default ports and a trailing slash dropped. */
    static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (!o.contains("://") && !o.equals("*")) {
            o = "https://" + o; // as Javalin's plugin read an origin without a scheme
        }
        if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        } else if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        }
        return o;
    }
}
