package dev.dynamini.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.store.Content;
import dev.dynamini.store.Created;
import dev.dynamini.store.Erasure;
import dev.dynamini.store.Existence;
import dev.dynamini.store.Filter;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import dev.dynamini.store.Listing;
import dev.dynamini.store.PageRequest;
import dev.dynamini.store.Purged;
import dev.dynamini.store.Scope;
import dev.dynamini.store.VersionedItems;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * The routes of a kind of versioned item, the same for collections and entries: list, create,
 * read, update, patch, delete, history, one version, diff, restore. They translate HTTP to calls on
 * {@link VersionedItems} (and {@link Erasure} for purges) and back, and hold no storage logic.
 */
final class ItemRoutes {
    /** On an item's versions (/versions, filter=all): its oldest versions were removed by retention. */
    static final String HISTORY_TRIMMED = "X-History-Trimmed";
    private final VersionedItems items;
    private final Erasure erasure;
    private final JsonOut json;
    private final FeedResponses feeds;

    ItemRoutes(VersionedItems items, Erasure erasure, FeedResponses feeds, JsonOut json) {
        this.items = items;
        this.feeds = feeds;
        this.erasure = erasure;
        this.json = json;
    }

    void register(RoutesConfig routes, Resource resource) {
        String one = resource.itemPath();
        GetRoutes.add(routes, resource.listPath, ctx -> list(ctx, resource.scope(ctx)));
        routes.post(resource.listPath, ctx -> create(ctx, resource));
        GetRoutes.add(routes, one, ctx -> read(ctx, resource));
        routes.put(one, ctx -> update(ctx, resource));
        routes.patch(one, ctx -> patch(ctx, resource));
        routes.delete(one, ctx -> delete(ctx, resource));
        GetRoutes.add(routes, one + "/versions", ctx -> history(ctx, resource));
        GetRoutes.add(routes, one + "/versions/{version}", ctx -> version(ctx, resource));
        GetRoutes.add(routes, one + "/versions/{version}/diff", ctx -> diff(ctx, resource));
        routes.post(one + "/restore", ctx -> restore(ctx, resource));
    }

    /** GET /api/collection: every user's collections. */
    void registerApplicationList(RoutesConfig routes) {
        GetRoutes.add(routes, "/api/collection", ctx -> list(ctx, Scope.collectionsOfApplication(Requests.caller(ctx).application())));
    }

    private void list(Context ctx, Scope scope) {
        if (FeedResponses.asked(ctx)) {
            feeds.answer(ctx, scope);
            return;
        }
        // every parameter is checked, whether or not this request uses it
        String name = Requests.name(ctx);
        Filter filter = Requests.filter(ctx);
        PageRequest page = Requests.page(ctx);
        Optional<Instant> asOf = Requests.asOf(ctx);
        if (name != null && asOf.isPresent()) {
            throw ApiError.badRequest("?name= finds the live item of now; it does not take asOf");
        }
        sendList(ctx, name != null ? items.findByName(scope, name) : items.list(scope, filter, page, asOf));
    }

    private void create(Context ctx, Resource resource) {
        Scope scope = resource.scope(ctx);
        RequestBody body = RequestBody.parse(Bodies.read(ctx));
        Created result = items.create(scope, body.patch());
        sendItem(ctx, result.created() ? 201 : 200, result.item());
    }

    private void read(Context ctx, Resource resource) {
        Listing found = items.read(resource.key(ctx), Requests.filter(ctx), Requests.asOf(ctx));
        if (found.latestVersion().isPresent() && notModified(ctx, found.latestVersion().getAsLong())) {
            return;
        }
        sendList(ctx, found);
    }

    private void update(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        OptionalLong ifMatch = Requests.ifMatch(ctx);
        Existence existence = Requests.existence(ctx);
        RequestBody body = RequestBody.parse(Bodies.read(ctx));
        Created result = items.put(key, body.patch(), ifMatch, existence);
        sendItem(ctx, result.created() ? 201 : 200, result.item());
    }

    /**
     * One new version with the patch applied to {"name", "value"}. A content rule the result breaks
     * is 422 here (the patch was well-formed; PUT answers such bodies 400).
     */
    private void patch(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        OptionalLong ifMatch = Requests.ifMatch(ctx);
        byte[] body = Bodies.bounded(ctx);
        UnaryOperator<Content> edit;
        try {
            edit = Patches.edit(ctx.header("Content-Type"), body, ctx.attribute(Bodies.MAX_BYTES));
        } catch (ApiError e) {
            if (e.status() == 415) {
                ctx.header("Accept-Patch", Patches.MERGE_PATCH + ", " + Patches.JSON_PATCH);
            }
            throw e;
        }
        try {
            sendItem(ctx, 200, items.patch(key, edit, ifMatch));
        } catch (InvalidInputException e) {
            throw ItemDocument.unprocessable(e.getMessage());
        }
    }

    /**
     * The RFC 6902 patch from version {@code from} (default: the one before; 0, or before version 1,
     * is "nothing") to version {@code version}.
     */
    private void diff(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        long to = Requests.versionNumber(ctx, "version");
        long from = Requests.fromVersion(ctx, to - 1);
        JsonNode target = ItemDocument.of(items.version(key, to));
        JsonNode source = from == 0 ? ItemDocument.nothing() : ItemDocument.of(items.version(key, from));
        Bodies.send(ctx, Patches.diff(source, target), Patches.JSON_PATCH);
    }

    /** A soft delete (a new version), or with ?purge=true the item erased for good. */
    private void delete(Context ctx, Resource resource) {
        var key = resource.key(ctx);
        OptionalLong ifMatch = Requests.ifMatch(ctx);
        if (Requests.purge(ctx)) {
            if (ifMatch.isPresent()) {
                // a purge removes every version whatever the latest is: a condition on one would mislead
                throw ApiError.badRequest("If-Match does not apply to a purge");
            }
            sendPurged(ctx, resource == Resource.COLLECTIONS ? erasure.purgeCollection(key) : erasure.purge(key));
            return;
        }
        sendItem(ctx, 200, items.delete(key, ifMatch));
    }

    /** DELETE /api/user/{user}?purge=true: every collection of the user and all their entries. */
    void registerUserPurge(RoutesConfig routes) {
        routes.delete("/api/user/{user}", ctx -> {
            boolean purge = Requests.purge(ctx);
            String user = Requests.userId(ctx);
            if (!purge) {
                // a user is not an item: it has no soft delete, only erasure
                throw new ApiError(404, "not_found", "a user cannot be deleted, only purged: DELETE /api/user/" + user + "?purge=true");
            }
            sendPurged(ctx, erasure.purgeUser(Requests.caller(ctx).application(), user));
        });
    }

    private void sendPurged(Context ctx, Purged purged) {
        Bodies.send(ctx, json.render(out -> {
            out.writeStartObject();
            out.writeObjectFieldStart("purged");
            out.writeNumberField("items", purged.items());
            out.writeNumberField("versions", purged.versions());
            out.writeEndObject();
            out.writeEndObject();
        }));
    }

    private void history(Context ctx, Resource resource) {
        sendList(ctx, items.history(resource.key(ctx), Requests.order(ctx), Requests.page(ctx)));
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

    /**
     * Headers first (the next page, the ETag of one item read, whether retention trimmed the
     * item's history), then the items as they are read.
     */
    private void sendList(Context ctx, Listing listing) {
        listing.nextCursor().ifPresent(cursor -> announceNext(ctx, cursor));
        listing.latestVersion().ifPresent(version -> ctx.header("ETag", Requests.etag(version)));
        if (listing.historyTrimmed()) {
            ctx.header(HISTORY_TRIMMED, "true");
        }
        Bodies.sendItems(ctx, json, listing.pages());
    }

    /** The next page: Link (rel="next") with the same query and the new cursor, and X-Next-Cursor. */
    private static void announceNext(Context ctx, String cursor) {
        ctx.header("Link", "<" + Requests.sameRequestWith(ctx, "cursor", cursor) + ">; rel=\"next\"");
        ctx.header("X-Next-Cursor", cursor);
    }
}
