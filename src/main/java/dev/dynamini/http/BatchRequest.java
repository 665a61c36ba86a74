package dev.dynamini.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.dynamini.store.BatchChange;
import dev.dynamini.store.Existence;
import dev.dynamini.store.Ids;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Scope;
import dev.dynamini.store.Slugs;
import java.io.IOException;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The body of {@code POST /api/batch}: {@code {"changes": [change, ...]}}, 1 to 25 changes, each
 * <pre>
 * {"op": "create" | "put" | "delete" | "restore",
 *  "user": id, "collection"?: id, "entry"?: id,
 *  "body"?: {"name"?, "value"?},       create and put: what the single routes take as body
 *  "ifMatch"?: version | "*",          put, delete, restore: the If-Match header
 *  "ifNoneMatch"?: "*",                put: create only
 *  "version"?: n}                      restore: the version to restore
 * </pre>
 * {@code user}, {@code collection} and {@code entry} name what the single route's path would: a
 * create with {@code collection} makes an entry in it, without it a collection of the user; the
 * other ops change the collection, or with {@code entry} that entry of it. The body is read as
 * strictly as every other (valid Unicode, no duplicate keys, values kept exactly as sent), and a
 * field a change does not know, or one its op does not take, is refused: a typo must not drop a
 * precondition silently.
 */
final class BatchRequest {
    private BatchRequest() {
    }

    static List<BatchChange> parse(byte[] body, String application, boolean slugifyUserIds) {
        if (body.length == 0) {
            throw ApiError.badRequest("the request needs a JSON object body: {\"changes\": [...]}");
        }
        CharBuffer text = StrictText.decode(body, "the body");
        try (JsonParser parser = StrictText.strict(RequestBody.FACTORY.createParser(text.array(), text.arrayOffset() + text.position(), text.remaining()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.badRequest("the body must be a JSON object: {\"changes\": [...]}");
            }
            List<BatchChange> changes = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (!field.equals("changes")) {
                    throw ApiError.badRequest("unknown field \"" + field + "\": a batch is {\"changes\": [...]}");
                }
                if (token != JsonToken.START_ARRAY) {
                    throw ApiError.badRequest("\"changes\" must be an array of changes");
                }
                changes = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (changes.size() == BatchChange.MAX_CHANGES) {
                        throw ApiError.badRequest("a batch holds at most " + BatchChange.MAX_CHANGES + " changes");
                    }
                    changes.add(change(parser, changes.size(), application, slugifyUserIds));
                }
            }
            if (parser.nextToken() != null) {
                throw ApiError.badRequest("unexpected content after the JSON object");
            }
            if (changes == null || changes.isEmpty()) {
                throw ApiError.badRequest("\"changes\" must hold 1 to " + BatchChange.MAX_CHANGES + " changes");
            }
            return changes;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body");
        }
    }

    /** Change {@code index}, the parser at its start; every refusal names it. */
    private static BatchChange change(JsonParser parser, int index, String application, boolean slugifyUserIds) throws IOException {
        try {
            return change(parser, application, slugifyUserIds);
        } catch (ApiError e) {
            throw e.change() == null ? e.forChange(index) : e;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage()).forChange(index);
        }
    }

    private static BatchChange change(JsonParser parser, String application, boolean slugifyUserIds) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw ApiError.badRequest("a change must be a JSON object with \"op\" and \"user\"");
        }
        String op = null;
        String user = null;
        String collection = null;
        String entry = null;
        RequestBody body = null;
        OptionalLong ifMatch = OptionalLong.empty();
        boolean ifMatchAny = false;
        boolean ifNoneMatch = false;
        OptionalLong version = OptionalLong.empty();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (field) {
                case "op" -> op = string(parser, token, field).toLowerCase(Locale.ROOT);
                case "user" -> user = string(parser, token, field);
                case "collection" -> collection = id(string(parser, token, field), field);
                case "entry" -> entry = id(string(parser, token, field), field);
                case "body" -> {
                    if (token != JsonToken.START_OBJECT) {
                        throw ApiError.badRequest("\"body\" must be a JSON object, such as {\"name\": \"...\", \"value\": ...}");
                    }
                    body = RequestBody.read(parser);
                }
                case "ifMatch" -> {
                    if (token == JsonToken.VALUE_STRING && parser.getText().equals("*")) {
                        ifMatchAny = true;
                    } else if (token == JsonToken.VALUE_NUMBER_INT) {
                        ifMatch = OptionalLong.of(wholeNumber(parser, token, field));
                    } else {
                        throw ApiError.badRequest("\"ifMatch\" must be a version (a whole number of at least 1) or \"*\"");
                    }
                }
                case "ifNoneMatch" -> {
                    if (token != JsonToken.VALUE_STRING || !parser.getText().equals("*")) {
                        throw ApiError.badRequest("\"ifNoneMatch\" can only be \"*\" (create only)");
                    }
                    ifNoneMatch = true;
                }
                case "version" -> version = OptionalLong.of(wholeNumber(parser, token, field));
                default -> throw ApiError.badRequest("unknown field \"" + field
                        + "\": a change has op, user, collection, entry, body, ifMatch, ifNoneMatch and version");
            }
        }
        if (op == null) {
            throw ApiError.badRequest("\"op\" is missing: create, put, delete or restore");
        }
        if (user == null) {
            throw ApiError.badRequest("\"user\" is missing");
        }
        Scope collections = Scope.collectionsOf(application, userId(user, slugifyUserIds));
        boolean anyIfMatch = ifMatchAny || ifMatch.isPresent();
        switch (op) {
            case "create" -> {
                refuse(entry != null, "a create makes a new id, so it takes no \"entry\" (to choose the id, use put)");
                refuse(anyIfMatch || ifNoneMatch, "a create takes no \"ifMatch\" or \"ifNoneMatch\" (put with \"ifNoneMatch\": \"*\" creates only)");
                refuse(version.isPresent(), "\"version\" belongs to restore");
                refuse(body == null, "a create needs a \"body\"");
                Scope scope = collection == null ? collections : Scope.entriesOf(application, collections.user(), collection);
                return new BatchChange.Create(scope, body.patch());
            }
            case "put" -> {
                ItemKey key = key(collections, collection, entry, op);
                refuse(version.isPresent(), "\"version\" belongs to restore");
                refuse(body == null, "a put needs a \"body\"");
                refuse(anyIfMatch && ifNoneMatch, "\"ifMatch\" and \"ifNoneMatch\" exclude each other");
                Existence existence = ifMatchAny ? Existence.MUST_EXIST : ifNoneMatch ? Existence.MUST_NOT_EXIST : Existence.ANY;
                return new BatchChange.Put(key, body.patch(), ifMatch, existence);
            }
            case "delete" -> {
                ItemKey key = key(collections, collection, entry, op);
                refuse(body != null, "a delete takes no \"body\"");
                refuse(version.isPresent(), "\"version\" belongs to restore");
                refuse(ifNoneMatch, "\"ifNoneMatch\" belongs to put");
                return new BatchChange.Delete(key, ifMatch);
            }
            case "restore" -> {
                ItemKey key = key(collections, collection, entry, op);
                refuse(body != null, "a restore takes no \"body\"; the version to restore is \"version\"");
                refuse(ifNoneMatch, "\"ifNoneMatch\" belongs to put");
                return new BatchChange.Restore(key, version, ifMatch);
            }
            default -> throw ApiError.badRequest("\"op\" must be create, put, delete or restore, not \"" + op + "\"");
        }
    }

    /** The collection, or with {@code entry} that entry of it. */
    private static ItemKey key(Scope collections, String collection, String entry, String op) {
        refuse(collection == null, "a " + op + " needs \"collection\" (and \"entry\" for an entry)");
        return entry == null
                ? collections.item(collection)
                : Scope.entriesOf(collections.application(), collections.user(), collection).item(entry);
    }

    private static void refuse(boolean wrong, String message) {
        if (wrong) {
            throw ApiError.badRequest(message);
        }
    }

    private static String string(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw ApiError.badRequest("\"" + field + "\" must be a string");
        }
        return parser.getText();
    }

    private static String id(String value, String field) {
        if (!Ids.valid(value)) {
            throw ApiError.badRequest("\"" + field + "\" must be 1-128 characters of A-Z a-z 0-9 . _ ~ @ : + = -");
        }
        return value;
    }

    /** As the {user} of a path: with SLUGIFY_USER_IDS, mapped as dynamodb-mini's slugify did. */
    private static String userId(String user, boolean slugify) {
        String id = slugify ? Slugs.slugify(user) : user;
        if (!Ids.valid(id)) {
            throw ApiError.badRequest("\"user\" must be 1-128 characters of A-Z a-z 0-9 . _ ~ @ : + = -" + (slugify ? " once slugified" : ""));
        }
        return id;
    }

    private static long wholeNumber(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER || parser.getLongValue() < 1) {
            throw ApiError.badRequest("\"" + field + "\" must be a whole number of at least 1");
        }
        return parser.getLongValue();
    }
}
