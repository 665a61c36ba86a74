package dev.dynamini.http;

import dev.dynamini.auth.Caller;
import io.javalin.config.RoutesConfig;

/**
 * GET /api/whoami: the application of the key and whether it may write. A client (the console)
 * learns what to offer without trying a write and reading the 403. Reads no data.
 */
final class WhoAmIRoute {
    private final JsonOut json;

    WhoAmIRoute(JsonOut json) {
        this.json = json;
    }

    void register(RoutesConfig routes) {
        GetRoutes.add(routes, "/api/whoami", ctx -> {
            Caller caller = Requests.caller(ctx);
            Bodies.send(ctx, json.render(out -> {
                out.writeStartObject();
                out.writeStringField("application", caller.application());
                out.writeStringField("access", caller.access().canWrite() ? "readwrite" : "read");
                out.writeEndObject();
            }));
        });
    }
}
