package dev.dynamini.http;

import dev.dynamini.schema.Problem;
import dev.dynamini.store.Item;
import java.util.List;

/**
 * An error answered as {@code {"error": code, "message": ...}}, optionally with the item concerned,
 * with {@code details} (each problem a JSON Schema check found), and for a batch with the index of
 * the change it is about.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final transient Item item;
    private final transient List<Problem> details;
    private final Integer change;

    public ApiError(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiError(int status, String code, String message, Item item) {
        this(status, code, message, item, List.of());
    }

    public ApiError(int status, String code, String message, Item item, List<Problem> details) {
        this(status, code, message, item, details, null);
    }

    private ApiError(int status, String code, String message, Item item, List<Problem> details, Integer change) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.item = item;
        this.details = List.copyOf(details);
        this.change = change;
    }

    /** The same error, about change {@code index} of a batch (its message says so too). */
    public ApiError forChange(int index) {
        return new ApiError(status, code, "change " + index + ": " + getMessage(), item, details, index);
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

    /** The batch change the error is about, or null. */
    public Integer change() {
        return change;
    }
}
