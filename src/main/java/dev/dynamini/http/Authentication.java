package dev.dynamini.http;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.auth.Caller;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;

/** Every /api request names its application with x-api-key; read-only keys may not write. */
final class Authentication {
    private static final Set<HandlerType> WRITES = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH);

    private final ApiKeys keys;

    Authentication(ApiKeys keys) {
        this.keys = keys;
    }

    void check(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return; // CORS preflight carries no key
        }
        Caller caller = keys.authenticate(ctx.header("x-api-key"))
                .orElseThrow(() -> new ApiError(401, "unauthorized", "a valid x-api-key header is required"));
        ctx.attribute(Requests.CALLER, caller);
        if (WRITES.contains(ctx.method()) && !caller.access().canWrite()) {
            throw new ApiError(403, "forbidden", "this API key is read-only");
        }
    }
}
