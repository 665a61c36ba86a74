package dev.dynamini.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/**
 * Every GET route answers HEAD with the same handler, so HEAD has GET's status and headers (ETag,
 * Link, errors) and is counted under its route. Jetty leaves the body out of a HEAD answer. Without
 * this, Javalin 7 answered a HEAD that had no route of its own with an empty 200 on any path.
 */
final class GetRoutes {
    private GetRoutes() {
    }

    static void add(RoutesConfig routes, String path, Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }
}
