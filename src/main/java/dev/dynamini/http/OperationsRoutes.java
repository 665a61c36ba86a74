package dev.dynamini.http;

import dev.dynamini.metrics.Metrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** For operators: liveness, readiness, Prometheus metrics, and the OpenAPI document. No key needed. */
final class OperationsRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsRoutes.class);
    private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * How long one readiness answer is reused. Load balancers and orchestrators probe every
     * instance often, and DescribeTable is a control-plane call with a low rate limit in AWS.
     */
    private static final long READY_TTL_NANOS = 1_000_000_000L;

    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final JsonOut json;
    private final byte[] openApi;
    private volatile long checkedAt;
    private volatile String lastProblem = "not checked yet";

    OperationsRoutes(Metrics metrics, BooleanSupplier ready, JsonOut json) {
        this.metrics = metrics;
        this.ready = ready;
        this.json = json;
        this.openApi = resource("/openapi.json");
    }

    void register(RoutesConfig routes) {
        GetRoutes.add(routes, "/health", ctx -> Bodies.send(ctx, UP));
        GetRoutes.add(routes, "/ready", ctx -> {
            String problem = readinessProblem();
            if (problem == null) {
                Bodies.send(ctx, READY);
            } else {
                ctx.status(503);
                Bodies.send(ctx, json.error(new ApiError(503, "unavailable", "DynamoDB or its tables are not reachable")));
            }
        });
        GetRoutes.add(routes, "/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
        GetRoutes.add(routes, "/openapi.json", ctx -> Bodies.send(ctx, openApi));
    }

    /** Null when ready; otherwise what is wrong, for the log (an orchestrator polls, so only at debug). */
    private String readinessProblem() {
        long now = System.nanoTime();
        if (checkedAt != 0 && now - checkedAt < READY_TTL_NANOS) {
            return lastProblem;
        }
        String problem;
        try {
            problem = ready.getAsBoolean() ? null : "a table is missing or not ACTIVE";
        } catch (RuntimeException e) {
            problem = e.toString();
        }
        if (problem != null) {
            LOG.debug("not ready: {}", problem);
        }
        lastProblem = problem;
        checkedAt = System.nanoTime();
        return problem;
    }

    private static byte[] resource(String name) {
        try (InputStream in = OperationsRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath; the build is broken");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
