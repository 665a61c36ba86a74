package dev.dynamini.http;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.metrics.Metrics;
import dev.dynamini.store.VersionedItems;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import io.javalin.util.JavalinException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of dynamini: Javalin with the API, operations routes, errors, CORS and logging. */
public final class HttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Response headers a browser client may read. */
    private static final List<String> EXPOSED = List.of("ETag", "Link", "X-Next-Cursor", "X-Request-Id", "Retry-After");
    /** How long a browser may cache a preflight answer. */
    private static final int CORS_MAX_AGE_SECONDS = 600;

    private final Javalin javalin;
    private final RouteTable routes = new RouteTable();
    private final Duration shutdownGrace;
    private final AtomicBoolean stopped = new AtomicBoolean();

    public record Settings(int port, int maxBodyBytes, List<String> corsOrigins, Duration shutdownGrace) {
    }

    /** A registered endpoint: method and path template such as {@code /api/user/{user}/collection}. */
    public record Route(String method, String path) {
    }

    public HttpServer(Settings settings, ApiKeys keys, VersionedItems items,
                      Metrics metrics, BooleanSupplier ready, Consumer<RequestRecord> requestObserver) {
        this.shutdownGrace = settings.shutdownGrace();
        JsonOut json = new JsonOut();
        Authentication authentication = new Authentication(keys);
        AccessLog accessLog = new AccessLog(metrics, requestObserver);
        ErrorResponses errors = new ErrorResponses(json, routes::methodsAt);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes() + 1L;
            config.jetty.port = settings.port();
            config.jetty.modifyServer(server -> {
                // Jetty 12 waits for in-flight requests on stop only with a GracefulHandler in the chain;
                // the stop timeout bounds that wait
                server.insertHandler(new GracefulHandler());
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                // errors Jetty answers itself (malformed URI, oversized headers) get our JSON shape too
                server.setErrorHandler(new JsonErrorHandler());
            });
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                if (settings.corsOrigins().contains("*")) {
                    rule.anyHost();
                } else {
                    rule.allowHost(settings.corsOrigins().get(0), settings.corsOrigins().subList(1, settings.corsOrigins().size()).toArray(String[]::new));
                }
                rule.maxAge = CORS_MAX_AGE_SECONDS;
                EXPOSED.forEach(rule::exposeHeader);
            }));
            config.events.handlerAdded(handler -> {
                // CORS preflights are answered for every path; they are not endpoints of the API
                if (handler.getHttpMethod().isHttpMethod() && handler.getHttpMethod() != HandlerType.OPTIONS) {
                    routes.add(handler.getHttpMethod().name(), handler.getPath());
                }
            });
            config.requestLogger.http(accessLog::end);
            config.routes.before(ctx -> {
                accessLog.begin(ctx);
                ctx.attribute(Bodies.MAX_BYTES, settings.maxBodyBytes());
            });
            // Javalin's CORS plugin marks a request from an origin outside CORS_ORIGINS 400 and still runs
            // its route (javalin#2105), so the client got a 400 carrying a success body (and a write was
            // done). Such a request is served like any other, only without CORS headers: the browser
            // refuses the answer. Nothing else sets a status before the route runs.
            config.routes.beforeMatched(ctx -> {
                if (ctx.status() == HttpStatus.BAD_REQUEST && ctx.header(Header.ORIGIN) != null) {
                    ctx.status(HttpStatus.OK);
                }
            });
            // only requests that match a route are authenticated: an unknown route is a 404 (and a
            // wrong method a 405) with or without a key, and metrics know the route of every 401/403
            config.routes.beforeMatched("/api/*", authentication::check);
            errors.register(config.routes);
            new OperationsRoutes(metrics, ready, json).register(config.routes);
            // collections and entries are served by the same routes over the same versioning model
            ItemRoutes itemRoutes = new ItemRoutes(items, json);
            itemRoutes.registerApplicationList(config.routes);
            itemRoutes.register(config.routes, Resource.COLLECTIONS);
            itemRoutes.register(config.routes, Resource.ENTRIES);
        });
    }

    public HttpServer start() {
        javalin.start();
        return this;
    }

    public int port() {
        return javalin.port();
    }

    /** Every endpoint the server answers (for the OpenAPI check), CORS preflights aside. */
    public List<Route> routes() {
        return routes.all();
    }

    /** Stops accepting, lets in-flight requests finish (up to the grace period), then returns. */
    public void stop() {
        if (stopped.getAndSet(true)) {
            return;
        }
        try {
            javalin.stop();
        } catch (JavalinException e) {
            // Jetty gave up waiting after the grace period and closed the remaining connections
            LOG.warn("requests still running after SHUTDOWN_GRACE_MS ({} ms) were cut off: {}",
                    shutdownGrace.toMillis(), e.getCause() == null ? e.toString() : e.getCause().toString());
        }
    }
}
