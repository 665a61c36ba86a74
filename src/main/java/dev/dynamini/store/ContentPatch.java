package dev.dynamini.store;

import java.util.Optional;

/**
 * A change of content: fields left empty keep their current value; {@code removeValue} (a
 * {@code "value": null} in the body, as dynamodb-mini had it) takes the value away, and
 * {@code removeSchema} ({@code "schema": null}) the schema.
 */
public record ContentPatch(Optional<String> name, Optional<String> value, boolean removeValue, Optional<String> schema, boolean removeSchema) {
    public ContentPatch(Optional<String> name, Optional<String> value, boolean removeValue) {
        this(name, value, removeValue, Optional.empty(), false);
    }

    public ContentPatch(Optional<String> name, Optional<String> value) {
        this(name, value, false);
    }

    public boolean empty() {
        return name.isEmpty() && value.isEmpty() && !removeValue && !mentionsSchema();
    }

    /** Whether the body said anything of a schema, {@code "schema": null} included. */
    public boolean mentionsSchema() {
        return schema.isPresent() || removeSchema;
    }

    public Content applyTo(Content current) {
        return new Content(name.orElse(current.name()), removeValue ? null : value.orElse(current.value()),
                removeSchema ? null : schema.orElse(current.schema()));
    }

    public Content asNew() {
        return new Content(name.orElse(null), value.orElse(null), schema.orElse(null));
    }
}
