package dev.dynamini.console;

import dev.dynamini.http.ApiError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console (issue 12): one static page and its script and style, served from the jar. It
 * holds no key and no data: the page calls the same {@code /api} as any client, with the key its
 * user types in, so the console needs no key of its own and can do nothing the key cannot.
 */
public final class ConsoleRoutes {
    /**
     * The page shows data that other clients wrote: whatever slips past its escaping must still
     * not run. Only our own script and style load, nothing inline, and nothing may frame the page
     * (it holds a key).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private record Asset(byte[] body, String contentType) {
    }

    private final Asset page;
    private final Map<String, Asset> assets;

    public ConsoleRoutes() {
        this.page = load("index.html", "text/html; charset=utf-8");
        this.assets = Map.of(
                "console.js", load("console.js", "text/javascript; charset=utf-8"),
                "console.css", load("console.css", "text/css; charset=utf-8"));
    }

    /** GET (and HEAD, like every GET route) {@code /console} and {@code /console/{asset}}; no key needed. */
    public void register(RoutesConfig routes) {
        routes.get("/console", ctx -> send(ctx, page));
        routes.head("/console", ctx -> send(ctx, page));
        routes.get("/console/{asset}", this::asset);
        routes.head("/console/{asset}", this::asset);
    }

    private void asset(Context ctx) {
        Asset asset = assets.get(ctx.pathParam("asset"));
        if (asset == null) {
            throw new ApiError(404, "not_found", "the console has no file " + ctx.pathParam("asset"));
        }
        send(ctx, asset);
    }

    private static void send(Context ctx, Asset asset) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // small files: revalidating each time means an upgraded server never runs an old script
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(asset.contentType()).result(asset.body());
    }

    private static Asset load(String name, String contentType) {
        String path = "/console/" + name;
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the classpath; the build is broken");
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
