package dev.dynamini.http;

import dev.dynamini.store.Item;

/** An error answered as {@code {"error": code, "message": ...}}, optionally with the item concerned. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final transient Item item;

    public ApiError(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiError(int status, String code, String message, Item item) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.item = item;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Item item() {
        return item;
    }
}
