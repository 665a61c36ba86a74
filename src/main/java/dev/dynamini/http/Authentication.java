package dev.dynamini.http;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.auth.Caller;
import dev.dynamini.limits.Rate;
import dev.dynamini.limits.RateLimiter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every /api request names its application with x-api-key, and is then held to its key's rate
 * limit; read-only keys may not write.
 */
final class Authentication {
    private static final Set<HandlerType> WRITES = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH);

    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final Consumer<String> onRateLimited;

    /** {@code onRateLimited} hears the application of each request refused for its rate. */
    Authentication(ApiKeys keys, RateLimiter limiter, Consumer<String> onRateLimited) {
        this.keys = keys;
        this.limiter = limiter;
        this.onRateLimited = onRateLimited;
    }

    void check(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return; // CORS preflight carries no key
        }
        Caller caller = keys.authenticate(ctx.header("x-api-key"))
                .orElseThrow(() -> new ApiError(401, "unauthorized", "a valid x-api-key header is required"));
        ctx.attribute(Requests.CALLER, caller);
        // before anything else the request would do, so a refused one costs no DynamoDB call; a
        // read-only key's writes count too (the 403 below is still work a flood would cause)
        RateLimiter.Verdict verdict = limiter.acquire(caller.keyId(), caller.rate());
        if (!verdict.allowed()) {
            onRateLimited.accept(caller.application());
            ctx.header("Retry-After", Long.toString(verdict.retryAfterSeconds()));
            throw new ApiError(429, "rate_limited", "this API key is over its rate limit ("
                    + limiter.effective(caller.rate()).map(Rate::describe).orElse("") + "); retry after "
                    + verdict.retryAfterSeconds() + " s");
        }
        if (WRITES.contains(ctx.method()) && !caller.access().canWrite()) {
            throw new ApiError(403, "forbidden", "this API key is read-only");
        }
    }
}
