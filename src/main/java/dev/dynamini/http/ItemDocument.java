package dev.dynamini.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynamini.store.Content;
import dev.dynamini.store.Item;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A version as the JSON document that diffs compare and patches edit:
 * {@code {"name"?: string, "value"?: any JSON, "schema"?: any JSON, "deleted"?: true}}
 * ({@code schema} only on collections). Members that a version lacks are absent (never null), and
 * {@code "deleted"} appears only on a delete version, so a diff speaks of exactly what changed.
 * Patches edit only {@code name}, {@code value} and {@code schema}: the document
 * they apply to has no {@code "deleted"} (only live items are patched), and a result that has one,
 * or any other member, is refused (DELETE and restore change that).
 */
final class ItemDocument {
    private static final Set<String> PATCHABLE = Set.of("name", "value", "schema");

    private ItemDocument() {
    }

    /** "Nothing": what a diff from before the first version starts from. */
    static ObjectNode nothing() {
        return ExactJson.nodes().objectNode();
    }

    static ObjectNode of(Item item) {
        ObjectNode document = of(item.content());
        if (item.deleted()) {
            document.put("deleted", true);
        }
        return document;
    }

    static ObjectNode of(Content content) {
        ObjectNode document = nothing();
        if (content.name() != null) {
            document.put("name", StrictText.sendable(content.name()));
        }
        if (content.value() != null) {
            document.set("value", ExactJson.readStored(content.value()));
        }
        if (content.schema() != null) {
            document.set("schema", ExactJson.readStored(content.schema()));
        }
        return document;
    }

    /**
     * The content a patched document stands for; 422 if it cannot be one. {@code "value": null}
     * means no value, as in a PUT body, and {@code "schema": null} no schema. The store checks the
     * rest (an entry needs a name or a value and has no schema, a collection a name, names unique,
     * a schema must be valid: 400).
     */
    static Content content(JsonNode document, int maxValueBytes) {
        if (!document.isObject()) {
            throw unprocessable("the patched document must be a JSON object {\"name\", \"value\", \"schema\"}, not " + document.getNodeType().name().toLowerCase());
        }
        for (var field : document.properties()) {
            if (!PATCHABLE.contains(field.getKey())) {
                throw unprocessable("only \"name\", \"value\" and (of a collection) \"schema\" can be patched, not \"" + field.getKey() + "\""
                        + (field.getKey().equals("deleted") ? " (use DELETE or restore)" : ""));
            }
        }
        JsonNode name = document.get("name");
        JsonNode value = document.get("value");
        JsonNode schema = document.get("schema");
        String newName = null;
        if (name != null && !name.isNull()) {
            if (!name.isTextual()) {
                throw unprocessable("\"name\" must be a string");
            }
            newName = checkedName(name.textValue());
        }
        String newValue = value == null || value.isNull() ? null : ExactJson.write(value);
        String newSchema = schema == null || schema.isNull() ? null : ExactJson.write(schema);
        // value and schema share one DynamoDB item: together they may be what one body may hold
        if (bytes(newValue) + bytes(newSchema) > maxValueBytes) {
            throw unprocessable("the patched " + (newSchema == null ? "value is" : "value and schema are") + " larger than MAX_BODY_BYTES ("
                    + maxValueBytes + " bytes)");
        }
        return new Content(newName, newValue, newSchema);
    }

    private static long bytes(String json) {
        return json == null ? 0 : json.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The rule of a name in a body, answered as 422: the patch was well-formed, its result is not. */
    private static String checkedName(String name) {
        try {
            return RequestBody.checkedName(name, "\"name\"");
        } catch (ApiError e) {
            throw unprocessable(e.getMessage());
        }
    }

    static ApiError unprocessable(String message) {
        return new ApiError(422, "unprocessable_entity", message);
    }
}
