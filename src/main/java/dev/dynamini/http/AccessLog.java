package dev.dynamini.http;

import dev.dynamini.auth.Caller;
import dev.dynamini.metrics.DynamoUsage;
import dev.dynamini.metrics.Metrics;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request ids (X-Request-Id echoed or generated) and one access-log line per request: request id,
 * application, method, route template, status, duration and DynamoDB usage. Never keys or values.
 */
final class AccessLog {
    static final String REQUEST_ID = "dynamini.requestId";
    private static final Logger LOG = LoggerFactory.getLogger("access");
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:@=+/-]{1,128}");

    private final Metrics metrics;
    private final Consumer<RequestRecord> observer;

    AccessLog(Metrics metrics, Consumer<RequestRecord> observer) {
        this.metrics = metrics;
        this.observer = observer;
    }

    void begin(Context ctx) {
        String presented = ctx.header("X-Request-Id");
        String id = presented != null && SAFE_ID.matcher(presented).matches() ? presented : UUID.randomUUID().toString();
        ctx.attribute(REQUEST_ID, id);
        ctx.header("X-Request-Id", id);
        metrics.requestStarted();
    }

    void end(Context ctx, Float millis) {
        String route = route(ctx);
        int status = ctx.statusCode();
        DynamoUsage usage = metrics.requestFinished(metricMethod(ctx), route, status, Duration.ofNanos((long) (millis * 1_000_000)));
        Caller caller = Requests.caller(ctx);
        RequestRecord entry = new RequestRecord(ctx.attribute(REQUEST_ID), caller == null ? "-" : caller.application(),
                ctx.method().name(), route, status, millis, usage);
        LOG.info(String.format(Locale.ROOT, "id=%s app=%s method=%s route=%s status=%d ms=%.1f dynamodb=%d rcu=%.1f wcu=%.1f",
                entry.requestId(), entry.application(), entry.method(), entry.route(), entry.status(), entry.millis(),
                usage.requests(), usage.readUnits(), usage.writeUnits()));
        observer.accept(entry);
    }

    /** Any token is a valid HTTP method: labelling each one would let a client create series at will. */
    private static String metricMethod(Context ctx) {
        String method = ctx.method().name();
        return KNOWN_METHODS.contains(method) ? method : "OTHER";
    }

    /** The route template (never the raw path: that holds user ids); unmatched requests share one. */
    private static String route(Context ctx) {
        try {
            var matched = ctx.endpoints().matchedHttpEndpoint();
            return matched == null ? "unmatched" : matched.path;
        } catch (RuntimeException unmatched) {
            return "unmatched";
        }
    }
}
