package dev.dynamini.schema;

/**
 * One thing a JSON Schema check found wrong: where ({@code path}, a JSON Pointer into the document
 * checked, {@code ""} for the whole of it), the schema keyword that failed ({@code ""} when no one
 * keyword did), and the validator's message.
 */
public record Problem(String path, String keyword, String message) {
}
