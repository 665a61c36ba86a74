package dev.dynamini.http;

import dev.dynamini.auth.Caller;
import dev.dynamini.metrics.DynamoUsage;
import dev.dynamini.metrics.Metrics;
import io.javalin.http.Context;
import java.time.Duration;
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
        metrics.requestStarted(id);
    }

    void end(Context ctx, Float millis) {
        String route = route(ctx);
        Integer cutOff = Bodies.cutOffStatus(ctx);
        int status = cutOff != null ? cutOff : ctx.statusCode(); // a list cut off was sent as 200, but failed
        DynamoUsage usage = metrics.requestFinished(metricMethod(ctx), route, status, Duration.ofNanos((long) (millis * 1_000_000)));
        Caller caller = Requests.caller(ctx);
        RequestRecord entry = new RequestRecord(ctx.attribute(REQUEST_ID), caller == null ? "-" : caller.application(),
                ctx.method().name(), route, status, millis, usage);
        if (LOG.isInfoEnabled()) {
            // built by hand: String.format was the largest single cost of a request's own CPU
            StringBuilder line = new StringBuilder(160)
                    .append("id=").append(entry.requestId())
                    .append(" app=").append(entry.application())
                    .append(" method=").append(entry.method())
                    .append(" route=").append(entry.route())
                    .append(" status=").append(entry.status())
                    .append(" ms=");
            oneDecimal(line, entry.millis());
            line.append(" dynamodb=").append(usage.requests()).append(" rcu=");
            oneDecimal(line, usage.readUnits());
            line.append(" wcu=");
            oneDecimal(line, usage.writeUnits());
            LOG.info(line.toString());
        }
        observer.accept(entry);
    }

    /** Appends a non-negative number rounded to one decimal, as "%.1f" would. */
    static void oneDecimal(StringBuilder out, double value) {
        long tenths = Math.round(value * 10);
        out.append(tenths / 10).append('.').append(tenths % 10);
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
