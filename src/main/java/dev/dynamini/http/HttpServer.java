package dev.dynamini.http;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.metrics.Metrics;
import dev.dynamini.store.VersionedItems;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The HTTP face of dynamini: Javalin with the API, operations routes, errors, CORS and logging. */
public final class HttpServer {
    /** Response headers a browser client may read. */
    private static final List<String> EXPOSED = List.of("ETag", "Link", "X-Next-Cursor", "X-Request-Id", "Retry-After");

    private final Javalin javalin;

    public record Settings(int port, int maxBodyBytes, List<String> corsOrigins, Duration shutdownGrace) {
    }

    public HttpServer(Settings settings, ApiKeys keys, VersionedItems collections, VersionedItems entries,
                      Metrics metrics, BooleanSupplier ready, Consumer<RequestRecord> requestObserver) {
        JsonOut json = new JsonOut();
        Authentication authentication = new Authentication(keys);
        AccessLog accessLog = new AccessLog(metrics, requestObserver);
        ErrorResponses errors = new ErrorResponses(json);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes() + 1L;
            config.jetty.port = settings.port();
            config.jetty.modifyServer(server -> server.setStopTimeout(settings.shutdownGrace().toMillis()));
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                if (settings.corsOrigins().contains("*")) {
                    rule.anyHost();
                } else {
                    rule.allowHost(settings.corsOrigins().get(0), settings.corsOrigins().subList(1, settings.corsOrigins().size()).toArray(String[]::new));
                }
                EXPOSED.forEach(rule::exposeHeader);
            }));
            config.requestLogger.http(accessLog::end);
            config.routes.before(ctx -> {
                accessLog.begin(ctx);
                ctx.attribute(Bodies.MAX_BYTES, settings.maxBodyBytes());
            });
            config.routes.before("/api/*", authentication::check);
            errors.register(config.routes);
            new OperationsRoutes(metrics, ready).register(config.routes);
            ItemRoutes collectionRoutes = new ItemRoutes(collections, json);
            collectionRoutes.registerApplicationList(config.routes);
            collectionRoutes.register(config.routes, Resource.COLLECTIONS);
            new ItemRoutes(entries, json).register(config.routes, Resource.ENTRIES);
        });
    }

    public HttpServer start() {
        javalin.start();
        return this;
    }

    public int port() {
        return javalin.port();
    }

    /** Stops accepting, lets in-flight requests finish (up to the grace period), then returns. */
    public void stop() {
        javalin.stop();
    }
}
