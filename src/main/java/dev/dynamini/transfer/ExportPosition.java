package dev.dynamini.transfer;

import dev.dynamini.store.Ids;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import dev.dynamini.store.Kind;

/**
 * A line of an export, as a client names it to resume after it: {@code user/collection/version}
 * for a version of a collection, {@code user/collection/entry/version} for one of an entry. Ids
 * never hold a slash, and every part is in the line's {@code meta}, so a client builds the token
 * from the last line it received and needs nothing else from the server. It is not signed: a
 * position only chooses where in the caller's own application the export goes on.
 */
public record ExportPosition(String user, String collection, String entry, long version) {

    public static ExportPosition of(Item item) {
        boolean entry = item.key().kind() == Kind.ENTRY;
        return new ExportPosition(item.key().scope().user(), entry ? item.key().scope().collection() : item.key().id(),
                entry ? item.key().id() : null, item.version());
    }

    /** @throws InvalidInputException when the token is not a position */
    public static ExportPosition parse(String token) {
        String[] parts = token.split("/", -1);
        if (parts.length != 3 && parts.length != 4) {
            throw invalid();
        }
        for (int i = 0; i < parts.length - 1; i++) {
            if (!Ids.valid(parts[i])) {
                throw invalid();
            }
        }
        long version;
        try {
            version = Long.parseLong(parts[parts.length - 1]);
        } catch (NumberFormatException e) {
            throw invalid();
        }
        if (version < 1) {
            throw invalid();
        }
        return new ExportPosition(parts[0], parts[1], parts.length == 4 ? parts[2] : null, version);
    }

    public String token() {
        return user + "/" + collection + (entry == null ? "" : "/" + entry) + "/" + version;
    }

    private static InvalidInputException invalid() {
        return new InvalidInputException("after must be user/collection/version or user/collection/entry/version,"
                + " from the meta of the last line received");
    }
}
