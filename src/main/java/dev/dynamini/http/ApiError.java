package dev.dynamini.http;

import dev.dynamini.schema.Problem;
import dev.dynamini.store.Item;
import java.util.List;

/**
 * An error answered as {@code {"error": code, "message": ...}}, optionally with the item concerned
 * and with {@code details}: each problem a JSON Schema check found.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final transient Item item;
    private final transient List<Problem> details;

    public ApiError(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiError(int status, String code, String message, Item item) {
        this(status, code, message, item, List.of());
    }

    public ApiError(int status, String code, String message, Item item, List<Problem> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.item = item;
        this.details = List.copyOf(details);
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

    /** Empty for all but the JSON Schema errors. */
    public List<Problem> details() {
        return details;
    }
}
