package dev.dynamini.http;

import dev.dynamini.auth.Caller;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import io.javalin.http.Context;

/** Where a kind of versioned item lives in the URL space, and how a request names its scope. */
enum Resource {
    COLLECTIONS(Kind.COLLECTION, "/api/user/{user}/collection", "collection"),
    ENTRIES(Kind.ENTRY, "/api/user/{user}/collection/{collection}/entry", "entry");

    final Kind kind;
    /** The list path; one item is at {@code listPath + "/{" + idParam + "}"}. */
    final String listPath;
    final String idParam;

    Resource(Kind kind, String listPath, String idParam) {
        this.kind = kind;
        this.listPath = listPath;
        this.idParam = idParam;
    }

    String itemPath() {
        return listPath + "/{" + idParam + "}";
    }

    Scope scope(Context ctx) {
        Caller caller = Requests.caller(ctx);
        String user = Requests.userId(ctx);
        return kind == Kind.COLLECTION
                ? Scope.collectionsOf(caller.application(), user)
                : Scope.entriesOf(caller.application(), user, Requests.id(ctx, "collection"));
    }

    ItemKey key(Context ctx) {
        Scope scope = scope(ctx);
        return scope.item(Requests.id(ctx, idParam));
    }
}
