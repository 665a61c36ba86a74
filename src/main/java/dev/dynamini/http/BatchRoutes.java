package dev.dynamini.http;

import dev.dynamini.store.BatchChange;
import dev.dynamini.store.Created;
import dev.dynamini.store.VersionedItems;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code POST /api/batch}: up to 25 creates, updates, deletes and restores of collections and
 * entries, of any of the application's users, applied all together or not at all
 * ({@link VersionedItems#batch}). The answer lists each change's result in order, as its single
 * route would answer it: {@code {"results": [{"status": 201, "item": {...}}, ...]}}. A refused
 * batch wrote nothing and answers the refusing change's error, with its index in {@code change}
 * ({@link ErrorResponses}).
 */
final class BatchRoutes {
    static final String PATH = "/api/batch";

    private final VersionedItems items;
    private final JsonOut json;

    BatchRoutes(VersionedItems items, JsonOut json) {
        this.items = items;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.post(PATH, this::batch);
    }

    private void batch(Context ctx) {
        List<BatchChange> changes = BatchRequest.parse(Bodies.read(ctx), Requests.caller(ctx).application(),
                Boolean.TRUE.equals(ctx.attribute(Requests.SLUGIFY_USER_IDS)));
        List<Created> results = items.batch(changes);
        Bodies.send(ctx, json.render(out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("results");
            for (Created result : results) {
                out.writeStartObject();
                // what the change's own route answers: 201 for what it created, else 200
                out.writeNumberField("status", result.created() ? 201 : 200);
                out.writeFieldName("item");
                JsonOut.writeItem(out, result.item());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }));
    }
}
