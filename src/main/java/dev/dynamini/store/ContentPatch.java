package dev.dynamini.store;

import java.util.Optional;

/** A change of content: fields left empty keep their current value. */
public record ContentPatch(Optional<String> name, Optional<String> value) {
    public boolean empty() {
        return name.isEmpty() && value.isEmpty();
    }

    public Content applyTo(Content current) {
        return new Content(name.orElse(current.name()), value.orElse(current.value()));
    }

    public Content asNew() {
        return new Content(name.orElse(null), value.orElse(null));
    }
}
