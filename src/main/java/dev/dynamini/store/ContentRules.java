package dev.dynamini.store;

import java.nio.charset.StandardCharsets;

/** What every stored version's content obeys, whoever writes it (the API or an import). */
final class ContentRules {
    private ContentRules() {
    }

    static Content validated(Kind kind, Content content) {
        if (kind == Kind.COLLECTION) {
            if (content.name() == null) {
                throw new InvalidInputException("a collection needs a \"name\"");
            }
        } else if (content.name() == null && content.value() == null) {
            throw new InvalidInputException("an entry needs a \"name\" or a \"value\"");
        }
        if (content.name() != null) {
            if (content.name().isEmpty()) {
                throw new InvalidInputException("\"name\" must not be empty");
            }
            // the name is part of its register's sort key, which DynamoDB limits to 1024 bytes
            if (content.name().getBytes(StandardCharsets.UTF_8).length > Content.MAX_NAME_BYTES) {
                throw new InvalidInputException("\"name\" must be at most " + Content.MAX_NAME_BYTES + " bytes of UTF-8");
            }
        }
        return content;
    }
}
