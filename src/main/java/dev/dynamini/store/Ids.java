package dev.dynamini.store;

import java.util.regex.Pattern;

/** The alphabet shared by user, collection and entry ids in paths (spec 4). */
public final class Ids {
    public static final Pattern PATH_ID = Pattern.compile("[A-Za-z0-9._~@:+=-]{1,128}");

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && PATH_ID.matcher(id).matches();
    }
}
