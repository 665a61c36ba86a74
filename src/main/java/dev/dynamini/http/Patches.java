package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonDiff;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import com.flipkart.zjsonpatch.Operation;
import dev.dynamini.store.Content;
import java.io.IOException;
import java.nio.CharBuffer;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * PATCH bodies (RFC 7396 merge patch, RFC 6902 JSON Patch) turned into an edit of an item's
 * {@link ItemDocument}, and RFC 6902 diffs between two versions. The store only sees a function
 * over content, so it knows neither HTTP nor the patch library; it applies the function inside its
 * usual change loop (If-Match, name registers, retries).
 */
final class Patches {
    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";

    /**
     * Only add, remove and replace, with no value on remove: the plainest patch, and one whose shape
     * does not change when the library learns new ways to express a change.
     */
    private static final EnumSet<DiffFlags> DIFF_FLAGS = EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION,
            DiffFlags.OMIT_COPY_OPERATION, DiffFlags.OMIT_VALUE_ON_REMOVE);
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Patches() {
    }

    /** The RFC 6902 patch that turns document {@code from} into document {@code to}. */
    static byte[] diff(JsonNode from, JsonNode to) {
        return ExactJson.write(JsonDiff.asJson(from, to, DIFF_FLAGS)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The edit a PATCH body of that media type makes; 400 for a malformed body, 415 for another type. */
    static UnaryOperator<Content> edit(String mediaType, byte[] body, int maxValueBytes) {
        String media = mediaType == null ? "" : mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (media) {
            case MERGE_PATCH -> mergePatch(parse(body), maxValueBytes);
            case JSON_PATCH -> jsonPatch(parse(body), maxValueBytes);
            default -> throw new ApiError(415, "unsupported_media_type", "a PATCH body is " + MERGE_PATCH + " (RFC 7396) or "
                    + JSON_PATCH + " (RFC 6902), not " + (media.isEmpty() ? "undeclared" : media));
        };
    }

    /** Strict as every body: valid UTF-8, no lone surrogates, no duplicate keys; numbers kept exact. */
    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("the request needs a patch document body");
        }
        CharBuffer text = StrictText.decode(body, "the body");
        try (JsonParser parser = StrictText.strict(FACTORY.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining()))) {
            return ExactJson.readWhole(parser);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body");
        }
    }

    private static UnaryOperator<Content> mergePatch(JsonNode patch, int maxValueBytes) {
        return content -> ItemDocument.content(merge(ItemDocument.of(content), patch), maxValueBytes);
    }

    /** RFC 7396 section 2: objects merge member by member, null removes, anything else replaces. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target.isObject() ? ((ObjectNode) target).deepCopy() : ExactJson.nodes().objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                JsonNode current = result.get(member.getKey());
                result.set(member.getKey(), merge(current == null ? ExactJson.nodes().nullNode() : current, member.getValue()));
            }
        }
        return result;
    }

    private static UnaryOperator<Content> jsonPatch(JsonNode patch, int maxValueBytes) {
        if (!patch.isArray()) {
            throw ApiError.badRequest("a JSON Patch is an array of operations");
        }
        try {
            JsonPatch.validate(patch); // a malformed patch is refused before anything is read
        } catch (InvalidJsonPatchException e) {
            throw ApiError.badRequest("invalid JSON Patch: " + e.getMessage());
        }
        return content -> {
            JsonNode patched;
            try {
                patched = JsonPatch.apply(patch, ItemDocument.of(content));
            } catch (InvalidJsonPatchException e) {
                throw ApiError.badRequest("invalid JSON Patch: " + e.getMessage());
            } catch (JsonPatchApplicationException e) {
                if (e.getOperation() == Operation.TEST) {
                    throw new ApiError(409, "test_failed", "a \"test\" operation failed, nothing was written: " + e.getMessage());
                }
                throw ItemDocument.unprocessable("the patch cannot be applied: " + e.getMessage());
            }
            return ItemDocument.content(patched, maxValueBytes);
        };
    }
}
