package dev.dynamini.http;

import dev.dynamini.store.Created;
import dev.dynamini.store.Item;
import dev.dynamini.store.Page;
import dev.dynamini.store.Scope;
import dev.dynamini.store.VersionedItems;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The routes of a kind of versioned item, the same for collections and entries: list, create,
 * read, update, delete, history, one version, restore. They translate HTTP to calls on
 * {@link VersionedItems} and back, and hold no storage logic.
 */
final class ItemRoutes {
    private final VersionedItems items;
    private final JsonOut json;

    ItemRoutes(VersionedItems items, JsonOut json) {
        this.items = items;
        this.json = json;
    }

    void register(RoutesConfig routes, Resource resource) {
        String one = resource.itemPath();
        RouteTable.getAndHead(routes, resource.listPath, ctx -> list(ctx, resource.scope(ctx)));
        routes.post(resource.listPath, ctx -> create(ctx, resource));
        RouteTable.getAndHead(routes, one, ctx -> read(ctx, resource));
        routes.put(one, ctx -> update(ctx, resource));
        routes.delete(one, ctx -> delete(ctx, resource));
        RouteTable.getAndHead(routes, one + "/versions", ctx -> history(ctx, resource));
        RouteTable.getAndHead(routes, one + "/versions/{version}", ctx -> version(ctx, resource));
        routes.post(one + "/restore", ctx -> restore(ctx, resource));
    }

    /** GET /api/collection: every user's collections. */
    void registerApplicationList(RoutesConfig routes) {
        RouteTable.getAndHead(routes, "/api/collection", ctx -> list(ctx, Scope.collectionsOfApplication(Requests.caller(ctx).application())));
    }

    private void list(Context ctx, Scope scope) {
        String name = ctx.queryParam("name");
        if (name != null) {
            sendList(ctx, items.findByName(scope, name));
            return;
        }
        Page page = items.list(scope, Requests.filter(ctx), Requests.page(ctx));
        announceNext(ctx, page);
        sendList(ctx, page.items());
    }

    private void create(Context ctx, Resource resource) {
        Scope scope = resource.scope(ctx);
        RequestBody body = RequestBody.parse(Bodies.read(ctx));
        Created result = items.create(scope, body.patch());
        sendItem(ctx, result.created() ? 201 : 200, result.item());
    }

    private void read(Context ctx, Resource resource) {
        List<Item> found = items.read(resource.key(ctx), Requests.filter(ctx));
        if (found.isEmpty()) {
            throw new ApiError(404, "not_found", resource.kind.label() + " not found");
        }
        long latest = found.get(found.size() - 1).version();
        if (notModified(ctx, latest)) {
            return;
        }
        ctx.header("ETag", Requests.etag(latest));
        sendList(ctx, found);
    }

    private void update(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        OptionalLong ifMatch = Requests.ifMatch(ctx);
        RequestBody body = RequestBody.parse(Bodies.read(ctx));
        sendItem(ctx, 200, items.update(key, body.patch(), ifMatch));
    }

    private void delete(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        sendItem(ctx, 200, items.delete(key, Requests.ifMatch(ctx)));
    }

    private void history(Context ctx, Resource resource) {
        Page page = items.history(resource.key(ctx), Requests.order(ctx), Requests.page(ctx));
        announceNext(ctx, page);
        sendList(ctx, page.items());
    }

    private void version(Context ctx, Resource resource) {
        Item item = items.version(resource.key(ctx), Requests.versionNumber(ctx, "version"));
        if (notModified(ctx, item.version())) {
            return;
        }
        sendItem(ctx, 200, item);
    }

    /**
     * A conditional GET whose If-None-Match names the version this answer would carry: 304 with the
     * ETag and no body. The item is read all the same (its version is the ETag); what is saved is
     * sending it. Only for answers that would be 200: a missing or hidden item is still 404.
     */
    private static boolean notModified(Context ctx, long version) {
        if (!Requests.noneMatch(ctx, version)) {
            return false;
        }
        ctx.status(304).header("ETag", Requests.etag(version));
        // a 304 has no body, so not Javalin's default text/plain either (RFC 9110 15.4.5)
        ctx.res().setContentType(null);
        return true;
    }

    private void restore(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        OptionalLong ifMatch = Requests.ifMatch(ctx);
        byte[] raw = Bodies.readOptional(ctx);
        OptionalLong version = raw.length == 0 ? OptionalLong.empty() : RequestBody.parse(raw).version();
        sendItem(ctx, 200, items.restore(key, version, ifMatch));
    }

    private void sendItem(Context ctx, int status, Item item) {
        ctx.status(status).header("ETag", Requests.etag(item.version()));
        Bodies.send(ctx, json.item(item));
    }

    private void sendList(Context ctx, List<Item> list) {
        Bodies.send(ctx, json.items(list));
    }

    /** The next page: Link (rel="next") with the same query and the new cursor, and X-Next-Cursor. */
    private static void announceNext(Context ctx, Page page) {
        page.nextCursor().ifPresent(cursor -> {
            StringBuilder link = new StringBuilder(ctx.path()).append('?');
            for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
                if (param.getKey().equals("cursor")) {
                    continue;
                }
                for (String value : param.getValue()) {
                    link.append(encode(param.getKey())).append('=').append(encode(value)).append('&');
                }
            }
            link.append("cursor=").append(encode(cursor));
            ctx.header("Link", "<" + link + ">; rel=\"next\"");
            ctx.header("X-Next-Cursor", cursor);
        });
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
