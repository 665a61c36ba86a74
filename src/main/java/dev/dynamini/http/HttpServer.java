package dev.dynamini.http;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.console.ConsoleRoutes;
import dev.dynamini.feed.LiveFeed;
import dev.dynamini.limits.RateLimiter;
import dev.dynamini.metrics.Metrics;
import dev.dynamini.store.ChangeFeed;
import dev.dynamini.store.Erasure;
import dev.dynamini.store.VersionedItems;
import dev.dynamini.transfer.Export;
import dev.dynamini.transfer.Import;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import io.javalin.util.JavalinException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of dynamini: Javalin with the API, operations routes, errors, CORS and logging. */
public final class HttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Response headers a browser client may read. */
    private static final List<String> EXPOSED = List.of("ETag", "Link", "X-Next-Cursor", "X-Request-Id", "Retry-After",
            ItemRoutes.HISTORY_TRIMMED, FeedResponses.NEXT_SINCE, FeedResponses.MORE);
    /** How long a browser may cache a preflight answer. */
    private static final int CORS_MAX_AGE_SECONDS = 600;

    private final Javalin javalin;
    private final RouteTable routes = new RouteTable();
    private final Duration shutdownGrace;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final LiveFeed live;

    /**
     * {@code minRequestDataRate} (bytes/s, 0: no minimum) applies to request bodies once
     * {@code minRequestDataRateGrace} has passed; {@code idleTimeout} is how long a connection may
     * stay silent, also in the middle of a body.
     */
    public record Settings(String host, int port, int maxBodyBytes, List<String> corsOrigins, Duration shutdownGrace,
                           long minRequestDataRate, Duration minRequestDataRateGrace, Duration idleTimeout,
                           boolean slugifyUserIds) {
    }

    /** A registered endpoint: method and path template such as {@code /api/user/{user}/collection}. */
    public record Route(String method, String path) {
    }

    public HttpServer(Settings settings, ApiKeys keys, RateLimiter limiter, VersionedItems items, Erasure erasure, Export export,
                      Import importer, ChangeFeed feed, LiveFeed live, Metrics metrics, BooleanSupplier ready,
                      Consumer<RequestRecord> requestObserver) {
        this.shutdownGrace = settings.shutdownGrace();
        this.live = live;
        JsonOut json = new JsonOut();
        Authentication authentication = new Authentication(keys, limiter, metrics::rateLimited);
        AccessLog accessLog = new AccessLog(metrics, requestObserver);
        ErrorResponses errors = new ErrorResponses(json, routes::methodsAt);
        Cors cors = new Cors(settings.corsOrigins(), EXPOSED, CORS_MAX_AGE_SECONDS);
        BodyBuffering bodies = new BodyBuffering(settings.maxBodyBytes(),
                new BodyBuffering.Limits(settings.minRequestDataRate(), settings.minRequestDataRateGrace(), settings.idleTimeout()),
                json, metrics::requestBodyTooSlow);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            // Express matched /API/User/u/Collection as dynamodb-mini's routes; ids keep their case
            config.router.caseInsensitiveRoutes = true;
            config.http.maxRequestSize = settings.maxBodyBytes() + 1L;
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                connector.setIdleTimeout(settings.idleTimeout().toMillis());
                return connector;
            });
            config.jetty.modifyServer(server -> {
                // bodies are read in full, without holding a thread, before a request reaches Javalin
                // (whose reads block); inserted first, so that it runs inside the GracefulHandler
                server.insertHandler(bodies.handler());
                // Jetty 12 waits for in-flight requests on stop only with a GracefulHandler in the chain
                // (a request still sending its body counts); the stop timeout bounds that wait
                server.insertHandler(new GracefulHandler());
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                // errors Jetty answers itself (malformed URI, oversized headers) get our JSON shape too
                server.setErrorHandler(new JsonErrorHandler());
            });
            config.events.handlerAdded(handler -> {
                // CORS preflights are answered for every path: not an endpoint of the API's description
                // (HEAD is: the document lists it wherever GET is, as GetRoutes registers it)
                HandlerType method = handler.getHttpMethod();
                if (method.isHttpMethod() && method != HandlerType.OPTIONS) {
                    routes.add(handler.getHttpMethod().name(), handler.getPath());
                }
            });
            config.requestLogger.http(accessLog::end);
            config.routes.before(ctx -> {
                accessLog.begin(ctx);
                ctx.attribute(Bodies.MAX_BYTES, settings.maxBodyBytes());
                ctx.attribute(Requests.SLUGIFY_USER_IDS, settings.slugifyUserIds());
                cors.grant(ctx);
            });
            config.routes.after(cors::answerPreflight);
            // text is checked before anything reads it, authentication included
            config.routes.beforeMatched(StrictText::checkQueryAndHeaders);
            // only requests that match a route are authenticated (and rate-limited): an unknown route
            // is a 404 (and a wrong method a 405) with or without a key, and metrics know the route of
            // every 401/403/429; /health, /ready and /metrics are outside /api, never limited
            config.routes.beforeMatched("/api/*", authentication::check);
            errors.register(config.routes);
            new OperationsRoutes(metrics, ready, json).register(config.routes);
            new ConsoleRoutes().register(config.routes);
            new WhoAmIRoute(json).register(config.routes);
            // collections and entries are served by the same routes over the same versioning model
            ItemRoutes itemRoutes = new ItemRoutes(items, erasure, new FeedResponses(feed, live, json), json);
            itemRoutes.registerApplicationList(config.routes);
            itemRoutes.register(config.routes, Resource.COLLECTIONS);
            itemRoutes.register(config.routes, Resource.ENTRIES);
            itemRoutes.registerUserPurge(config.routes);
            new TransferRoutes(export, importer, json).register(config.routes);
            new BatchRoutes(items, json).register(config.routes);
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
        // waiting feed reads answer and streams end, so that they do not hold the graceful stop
        live.close();
        try {
            javalin.stop();
        } catch (JavalinException e) {
            // Jetty gave up waiting after the grace period and closed the remaining connections
            LOG.warn("requests still running after SHUTDOWN_GRACE_MS ({} ms) were cut off: {}",
                    shutdownGrace.toMillis(), e.getCause() == null ? e.toString() : e.getCause().toString());
        }
    }
}
