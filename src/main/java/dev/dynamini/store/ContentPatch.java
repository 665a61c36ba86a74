package dev.dynamini.store;

import java.util.Optional;

/**
 * A change of content: fields left empty keep their current value; {@code removeValue} (a
 * {@code "value": null} in the body, as dynamodb-mini had it) takes the value away.
 */
public record ContentPatch(Optional<String> name, Optional<String> value, boolean removeValue) {
    public ContentPatch(Optional<String> name, Optional<String> value) {
        this(name, value, false);
    }

    public boolean empty() {
        return name.isEmpty() && value.isEmpty() && !removeValue;
    }

    public Content applyTo(Content current) {
        return new Content(name.orElse(current.name()), removeValue ? null : value.orElse(current.value()));
    }

    public Content asNew() {
        return new Content(name.orElse(null), value.orElse(null));
    }
}
