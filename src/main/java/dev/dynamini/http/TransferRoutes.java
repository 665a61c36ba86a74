package dev.dynamini.http;

import dev.dynamini.transfer.Export;
import dev.dynamini.transfer.ExportPosition;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code GET /api/export}: the caller's application as NDJSON, one item version per line, exactly
 * as the API shows items. The order and the resume position are {@link Export}'s.
 */
final class TransferRoutes {
    static final String NDJSON = "application/x-ndjson";

    private final Export export;
    private final JsonOut json;

    TransferRoutes(Export export, JsonOut json) {
        this.export = export;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        GetRoutes.add(routes, "/api/export", this::export);
    }

    private void export(Context ctx) {
        String token = ctx.queryParam("after");
        ExportPosition after = token == null ? null : ExportPosition.parse(token);
        Bodies.sendLines(ctx, json, NDJSON, export.pages(Requests.caller(ctx).application(), after));
    }
}
