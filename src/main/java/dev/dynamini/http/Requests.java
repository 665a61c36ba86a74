package dev.dynamini.http;

import dev.dynamini.auth.Caller;
import dev.dynamini.store.Existence;
import dev.dynamini.store.Filter;
import dev.dynamini.store.Ids;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Order;
import dev.dynamini.store.PageRequest;
import dev.dynamini.store.Slugs;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the parts of a request: path ids, query parameters, If-Match, If-None-Match, the caller. */
final class Requests {
    static final String CALLER = "dynamini.caller";
    static final String SLUGIFY_USER_IDS = "dynamini.slugifyUserIds";
    private static final Pattern ETAG = Pattern.compile("\\s*(?:W/)?\"?(\\d{1,18})\"?\\s*");

    private Requests() {
    }

    static Caller caller(Context ctx) {
        return ctx.attribute(CALLER);
    }

    /** A {user}, {collection} or {entry} path segment, validated against the id alphabet. */
    static String id(Context ctx, String param) {
        String value = ctx.pathParam(param);
        if (!Ids.valid(value)) {
            throw ApiError.badRequest(param + " must be 1-128 characters of A-Z a-z 0-9 . _ ~ @ : + = -");
        }
        return value;
    }

    /**
     * The {user} path segment; with SLUGIFY_USER_IDS, first mapped as dynamodb-mini's slugify did,
     * so that raw ids such as "test user" find the data stored under "test-user".
     */
    static String userId(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(SLUGIFY_USER_IDS))) {
            String slug = Slugs.slugify(ctx.pathParam("user"));
            if (!Ids.valid(slug)) {
                throw ApiError.badRequest("user must be 1-128 characters of A-Z a-z 0-9 . _ ~ @ : + = - once slugified");
            }
            return slug;
        }
        return id(ctx, "user");
    }

    /** ?asOf=<ISO-8601 instant>, e.g. 2026-11-26T10:00:00Z or with an offset: reads as things were then. */
    static Optional<Instant> asOf(Context ctx) {
        String raw = ctx.queryParam("asOf");
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(raw.trim()).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("asOf must be an ISO-8601 instant with its offset, such as 2026-11-26T10:00:00Z");
        }
    }

    static long versionNumber(Context ctx, String param) {
        try {
            long n = Long.parseLong(ctx.pathParam(param));
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest(param + " must be a whole number of at least 1");
    }

    /** {@code ?from=} of a diff: a version number, or 0 for "nothing"; {@code otherwise} when absent. */
    static long fromVersion(Context ctx, long otherwise) {
        String raw = ctx.queryParam("from");
        if (raw == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(raw.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("from must be a whole number of at least 0 (0: from nothing)");
    }

    /** {@code ?name=}, with the limits of a name in a body; null when absent. */
    static String name(Context ctx) {
        String name = ctx.queryParam("name");
        return name == null ? null : RequestBody.checkedName(name, "name");
    }

    static Filter filter(Context ctx) {
        return Filter.parse(ctx.queryParam("filter"));
    }

    /** ?purge=true|false (any case) on a DELETE; absent is false, anything else 400. */
    static boolean purge(Context ctx) {
        String raw = ctx.queryParam("purge");
        if (raw == null || raw.equalsIgnoreCase("false")) {
            return false;
        }
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiError.badRequest("purge must be true or false");
    }

    static Order order(Context ctx) {
        String raw = ctx.queryParam("order");
        if (raw == null || raw.equalsIgnoreCase("asc")) {
            return Order.ASC;
        }
        if (raw.equalsIgnoreCase("desc")) {
            return Order.DESC;
        }
        throw ApiError.badRequest("order must be asc or desc");
    }

    static PageRequest page(Context ctx) {
        String rawLimit = ctx.queryParam("limit");
        String cursor = ctx.queryParam("cursor");
        int limit = 0;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
                throw ApiError.badRequest("limit must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
        }
        if (cursor != null && cursor.isBlank()) {
            cursor = null;
        }
        try {
            return new PageRequest(limit, cursor);
        } catch (InvalidInputException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /** If-Match: "*" or absent means any version; otherwise the version of an ETag we gave out. */
    static OptionalLong ifMatch(Context ctx) {
        String raw = ctx.header("If-Match");
        if (raw == null || raw.isBlank() || raw.trim().equals("*")) {
            return OptionalLong.empty();
        }
        Matcher m = ETAG.matcher(raw);
        if (!m.matches()) {
            throw ApiError.badRequest("If-Match must be an ETag this server gave, such as \"3\"");
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }

    /** If-Match: * (update only) and If-None-Match: * (create only), for a PUT. */
    static Existence existence(Context ctx) {
        boolean matchAny = "*".equals(trimmed(ctx.header("If-Match")));
        String noneMatch = trimmed(ctx.header("If-None-Match"));
        if (noneMatch != null && !noneMatch.equals("*")) {
            throw ApiError.badRequest("a PUT takes If-None-Match: * (create only) and no other If-None-Match");
        }
        if (matchAny && noneMatch != null) {
            throw ApiError.badRequest("If-Match: * and If-None-Match: * exclude each other");
        }
        return matchAny ? Existence.MUST_EXIST : noneMatch != null ? Existence.MUST_NOT_EXIST : Existence.ANY;
    }

    private static String trimmed(String header) {
        return header == null || header.isBlank() ? null : header.trim();
    }

    /**
     * If-None-Match of a conditional GET: true when it names this version, in a list or alone, or is
     * "*". A tag that is not a version ETag of ours (another server's, a malformed one) never matches,
     * so the client gets the full answer: unlike a bad If-Match, nothing can go wrong by answering.
     */
    static boolean noneMatch(Context ctx, long version) {
        String raw = ctx.header("If-None-Match");
        if (raw == null) {
            return false;
        }
        for (String tag : raw.split(",")) {
            if (tag.trim().equals("*")) {
                return true;
            }
            Matcher m = ETAG.matcher(tag);
            if (m.matches() && Long.parseLong(m.group(1)) == version) {
                return true;
            }
        }
        return false;
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * This request's path and query with {@code name} set to {@code value} (every other parameter
     * kept): the next request to make, for a {@code Link: <...>; rel="next"} header.
     */
    static String sameRequestWith(Context ctx, String name, String value) {
        StringBuilder link = new StringBuilder(ctx.path()).append('?');
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            if (param.getKey().equals(name)) {
                continue;
            }
            for (String each : param.getValue()) {
                link.append(encode(param.getKey())).append('=').append(encode(each)).append('&');
            }
        }
        return link.append(encode(name)).append('=').append(encode(value)).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
