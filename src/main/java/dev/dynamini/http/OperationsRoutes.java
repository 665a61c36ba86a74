package dev.dynamini.http;

import dev.dynamini.metrics.Metrics;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/** For operators: liveness, readiness, Prometheus metrics, and the OpenAPI document. No key needed. */
final class OperationsRoutes {
    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final byte[] openApi;

    OperationsRoutes(Metrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
        this.openApi = resource("/openapi.json");
    }

    void register(RoutesConfig routes) {
        routes.get("/health", ctx -> Bodies.send(ctx, "{\"status\":\"up\"}".getBytes()));
        routes.get("/ready", ctx -> {
            boolean ok;
            try {
                ok = ready.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            ctx.status(ok ? 200 : 503);
            Bodies.send(ctx, (ok ? "{\"status\":\"ready\"}" : "{\"error\":\"unavailable\",\"message\":\"DynamoDB or its tables are not reachable\"}").getBytes());
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.get("/openapi.json", ctx -> Bodies.send(ctx, openApi));
    }

    private static byte[] resource(String name) {
        try (InputStream in = OperationsRoutes.class.getResourceAsStream(name)) {
            return in == null ? "{}".getBytes() : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
