package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.RawHttp;
import dev.dynamini.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 8: generated malformed requests against the real server, over raw sockets (so that bytes
 * {@link java.net.http.HttpClient} refuses can be sent), every one of them invalid by construction
 * in a way the spec answers with a 4xx. Each must get a 4xx with a JSON error body (HEAD: a 4xx and
 * no body), never a 5xx, and none may write: the DynamoDB write counters and the full
 * {@code filter=all} listings are the same before and after.
 *
 * <p>One container of tests per category of mutation, each with an application of its own (keys and
 * seeded data: users, collections, entries with several versions, deleted ones), so that a request
 * one category wrongly lets through cannot change what another one sees. A category sends its requests
 * to every (method, route) where its mutation makes the request invalid, and to some methods a route
 * does not have (405 whatever the mutation; the categories that apply everywhere try all of those, so
 * that every method is tried on every route). Requests come from a {@link Random} seeded per run and
 * per category; a failure names the seed and lists the failing requests grouped by variant and
 * answer, with an example (request head, body as text and hex, and the answer). To reproduce or narrow
 * down: {@code -Dfuzz.seed=<seed>}, {@code -Dfuzz.category=<name>[,<name>]},
 * {@code -Dfuzz.requests=<per category>}, {@code -Dfuzz.verbose=true} (statuses of every variant).
 */
class FuzzApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Small, so that bodies just over it stay cheap, and large enough for nesting deeper than Jackson's 1000. */
    private static final int MAX_BODY = 8192;
    private static final long SEED = Long.getLong("fuzz.seed", new Random().nextLong());
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 64);
    private static final Set<String> ONLY = Arrays.stream(System.getProperty("fuzz.category", "").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    private static final int TIMEOUT_MS = 10_000;
    /** -Dfuzz.verbose=true: print what each variant was answered, failing or not. */
    private static final boolean VERBOSE = Boolean.getBoolean("fuzz.verbose");

    private static TestServer server;
    /** The world of the category running now (categories run one after the other). */
    private static World world;
    /** Cursors of app-b's listings: a cursor of another application for every category's app. */
    private static final List<World.Cursor> OTHER_APPLICATION = new ArrayList<>();
    private static final Map<Category, Snapshot> BEFORE = new ConcurrentHashMap<>();
    private static final Set<String> COVERED = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        StringBuilder keys = new StringBuilder(TestServer.API_KEYS.substring(0, TestServer.API_KEYS.length() - 1));
        for (Category c : Category.values()) {
            // the change feed's tokens are checked only for an application that keeps one
            String feed = c == Category.BAD_SINCE ? ",\"feed\":true" : "";
            keys.append(",{\"application\":\"").append(c.app()).append("\",\"key\":\"").append(c.key()).append("\"").append(feed).append("}")
                    .append(",{\"application\":\"").append(c.app()).append("\",\"key\":\"").append(c.key2()).append("\"").append(feed).append("}")
                    .append(",{\"application\":\"").append(c.app()).append("\",\"key\":\"").append(c.readKey())
                    .append("\",\"access\":\"read\"").append(feed).append("}");
        }
        keys.append(']');
        server = TestServer.start(Map.of("MAX_BODY_BYTES", Integer.toString(MAX_BODY), "API_KEYS", keys.toString()));
        Http b = server.appB();
        created(b.post("/api/user/fz-ann/collection", "{\"name\":\"groceries\"}"), "collection");
        created(b.post("/api/user/fz-ann/collection", "{\"name\":\"app b only\"}"), "collection");
        for (String filter : List.of("latest", "current", "all")) {
            World.collect(b, "app-b", Route.APP_COLLECTIONS, new World.Ids(null, null, null), filter, OTHER_APPLICATION);
            World.collect(b, "app-b", Route.COLLECTIONS, new World.Ids("fz-ann", null, null), filter, OTHER_APPLICATION);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @TestFactory
    Stream<DynamicNode> malformedRequestsGet4xxAndWriteNothing() {
        for (String name : ONLY) {
            if (Arrays.stream(Category.values()).noneMatch(c -> c.label.equals(name))) {
                throw new IllegalArgumentException("no fuzz category " + name + "; there are "
                        + Arrays.stream(Category.values()).map(c -> c.label).toList());
            }
        }
        List<DynamicNode> tests = new ArrayList<>();
        for (Category category : Category.values()) {
            if (ONLY.isEmpty() || ONLY.contains(category.label)) {
                tests.add(dynamicContainer(category.label, Stream.of(
                        dynamicTest(category.label + ": every answer is a 4xx JSON error", () -> run(category)),
                        dynamicTest(category.label + ": nothing was written", () -> nothingWritten(category)))));
            }
        }
        if (ONLY.isEmpty()) {
            tests.add(dynamicTest("every method on every route was tried", FuzzApiTest::everyMethodOnEveryRoute));
        }
        return tests.stream();
    }

    // ---- running a category ---------------------------------------------------------------------

    private record Outcome(Req req, RawHttp.Request raw, String requestId, RawHttp.Response response, String noAnswer) {
    }

    private static void run(Category category) throws InterruptedException {
        world = World.seed(category);
        BEFORE.put(category, Snapshot.take(world));
        Random random = new Random(SEED ^ category.label.hashCode());
        List<Combo> plan = plan(category, random);
        Counters countersBefore = Counters.read();
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Combo combo = plan.get(i);
            Req req = category.generator.generate(random, combo.method(), combo.route());
            String requestId = "fuzz-" + category.label + "-" + i;
            RawHttp.Request raw = req.raw(requestId);
            COVERED.add(combo.toString());
            try {
                outcomes.add(new Outcome(req, raw, requestId, RawHttp.send(server.server().port(), raw, TIMEOUT_MS), null));
            } catch (RawHttp.NoAnswer e) {
                outcomes.add(new Outcome(req, raw, requestId, null, e.getMessage()));
            }
        }
        Thread.sleep(100); // the access log records a request as its response completes
        Map<String, RequestRecord> records = new LinkedHashMap<>();
        for (RequestRecord r : server.requests()) {
            records.put(r.requestId(), r);
        }
        Counters countersAfter = Counters.read();

        Map<String, Group> groups = new TreeMap<>();
        int failed = 0;
        for (Outcome o : outcomes) {
            RequestRecord record = records.get(o.requestId());
            String problem = problem(o, record);
            if (problem == null) {
                continue;
            }
            failed++;
            groups.computeIfAbsent(o.req().variant + "  =>  " + problem, k -> new Group()).add(o);
        }
        Counters written = countersAfter.minus(countersBefore);
        if (VERBOSE) {
            Map<String, Map<String, Integer>> statuses = new TreeMap<>();
            for (Outcome o : outcomes) {
                String status = o.response() == null ? "no answer" : o.req().method + " " + o.response().status();
                statuses.computeIfAbsent(o.req().variant, k -> new TreeMap<>()).merge(status, 1, Integer::sum);
            }
            StringBuilder out = new StringBuilder(category.label).append(" (seed ").append(SEED).append("):\n");
            statuses.forEach((variant, counts) -> out.append("  ").append(variant).append(": ").append(counts).append('\n'));
            System.out.print(out);
        }
        if (failed > 0) {
            StringBuilder message = new StringBuilder()
                    .append(category.label).append(": ").append(failed).append(" of ").append(outcomes.size())
                    .append(" malformed requests got something else than a 4xx JSON error, or wrote (seed ").append(SEED)
                    .append("; rerun with -Dfuzz.seed=").append(SEED).append(" -Dfuzz.category=").append(category.label).append(")\n");
            if (written.wrote()) {
                message.append("DynamoDB writes during this category: ").append(written).append('\n');
            }
            groups.entrySet().stream()
                    .sorted((a, b) -> Integer.compare(b.getValue().outcomes.size(), a.getValue().outcomes.size()))
                    .forEach(e -> e.getValue().describe(e.getKey(), message));
            throw new AssertionError(message.toString());
        }
    }

    private static final class Group {
        final List<Outcome> outcomes = new ArrayList<>();
        final Set<String> combos = new LinkedHashSet<>();

        void add(Outcome o) {
            outcomes.add(o);
            combos.add(o.req().method + " " + o.req().route);
        }

        void describe(String key, StringBuilder out) {
            Outcome example = outcomes.get(0);
            out.append("\n[").append(key).append("] ").append(outcomes.size()).append(" request(s), on: ")
                    .append(String.join(", ", combos)).append("\n  e.g. ")
                    .append(example.raw().describe().replace("\n", "\n  ").stripTrailing()).append("\n  -> ")
                    .append(example.response() == null ? example.noAnswer() : example.response().describe().replace("\n", "\n     "))
                    .append('\n');
        }
    }

    /** Null if the answer is what the spec asks for; otherwise a short description of what is wrong. */
    private static String problem(Outcome o, RequestRecord record) {
        boolean wrote = record != null && record.dynamo().writeUnits() > 0;
        if (o.response() == null) {
            return "no answer (" + o.noAnswer() + ")";
        }
        RawHttp.Response r = o.response();
        if (r.status() < 400 || r.status() >= 500 || wrote) {
            return "status " + r.status() + (wrote ? ", and it wrote to DynamoDB" : "");
        }
        // Jetty answers a request target it cannot parse before it knows the method (it calls it
        // "BAD"), and closes the connection: that JSON 400 has a body even for HEAD. Every answer
        // dynamini gives itself carries X-Request-Id, and those must have no body.
        boolean answeredByDynamini = r.header("X-Request-Id") != null;
        if (o.req().method == Method.HEAD && (r.body().length == 0 || answeredByDynamini)) {
            return r.body().length == 0 ? null : "status " + r.status() + " to HEAD, with a body";
        }
        String type = r.header("Content-Type");
        if (r.body().length == 0) {
            return "status " + r.status() + ", empty body";
        }
        if (type == null || !type.startsWith("application/json")) {
            return "status " + r.status() + ", Content-Type " + type;
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (Exception e) {
            return "status " + r.status() + ", body is not JSON";
        }
        if (body == null || !body.isObject() || !body.path("error").isTextual() || body.path("error").asText().isBlank()
                || !body.path("message").isTextual() || body.path("message").asText().isBlank()) {
            return "status " + r.status() + ", body is not {\"error\": string, \"message\": string}";
        }
        Set<String> fields = new HashSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        if (!Set.of("error", "message", "item").containsAll(fields)) {
            return "status " + r.status() + ", error body has other fields " + fields;
        }
        String text = r.bodyText();
        if (text.contains("Exception") || text.contains("\tat ") || text.contains("dev.dynamini")) {
            return "status " + r.status() + ", error body shows internals";
        }
        return null;
    }

    private static void nothingWritten(Category category) {
        Snapshot before = BEFORE.get(category);
        if (before == null) {
            throw new IllegalStateException("the requests of " + category.label + " did not run");
        }
        Snapshot after = Snapshot.take(before.world());
        List<String> differences = new ArrayList<>();
        Counters written = after.counters.minus(before.counters);
        if (written.wrote()) {
            differences.add("DynamoDB writes: " + written);
        }
        for (Map.Entry<String, String> listing : before.listings.entrySet()) {
            String now = after.listings.get(listing.getKey());
            if (!listing.getValue().equals(now)) {
                differences.add(listing.getKey() + " changed: " + Snapshot.diff(listing.getValue(), now));
            }
        }
        if (!differences.isEmpty()) {
            throw new AssertionError(category.label + ": malformed requests wrote (seed " + SEED + "; rerun with -Dfuzz.seed=" + SEED
                    + " -Dfuzz.category=" + category.label + "):\n" + String.join("\n", differences));
        }
    }

    private static void everyMethodOnEveryRoute() {
        Set<String> all = new LinkedHashSet<>();
        for (Route route : Route.values()) {
            for (Method method : Method.values()) {
                all.add(new Combo(method, route).toString());
            }
        }
        all.removeAll(COVERED);
        assertEquals(Set.of(), all, "(method, route) pairs no category tried");
    }

    // ---- routes, methods and which mutation applies where ----------------------------------------

    enum Method { GET, HEAD, POST, PUT, DELETE }

    enum Route {
        APP_COLLECTIONS("/api/collection", Method.GET),
        COLLECTIONS("/api/user/{user}/collection", Method.GET, Method.POST),
        COLLECTION("/api/user/{user}/collection/{collection}", Method.GET, Method.PUT, Method.DELETE),
        COLLECTION_VERSIONS("/api/user/{user}/collection/{collection}/versions", Method.GET),
        COLLECTION_VERSION("/api/user/{user}/collection/{collection}/versions/{version}", Method.GET),
        COLLECTION_RESTORE("/api/user/{user}/collection/{collection}/restore", Method.POST),
        ENTRIES("/api/user/{user}/collection/{collection}/entry", Method.GET, Method.POST),
        ENTRY("/api/user/{user}/collection/{collection}/entry/{entry}", Method.GET, Method.PUT, Method.DELETE),
        ENTRY_VERSIONS("/api/user/{user}/collection/{collection}/entry/{entry}/versions", Method.GET),
        ENTRY_VERSION("/api/user/{user}/collection/{collection}/entry/{entry}/versions/{version}", Method.GET),
        ENTRY_RESTORE("/api/user/{user}/collection/{collection}/entry/{entry}/restore", Method.POST);

        final List<String> parts;
        final Set<Method> methods;

        Route(String template, Method... methods) {
            this.parts = List.of(template.substring(1).split("/"));
            this.methods = EnumSet.copyOf(Arrays.asList(methods));
        }

        boolean allows(Method m) {
            return methods.contains(m) || (m == Method.HEAD && methods.contains(Method.GET));
        }

        /** POST of a list, PUT of an item, POST of a restore: the routes that read a body. */
        boolean readsBody(Method m) {
            return allows(m) && (m == Method.POST || m == Method.PUT);
        }

        boolean hasIds() {
            return parts.stream().anyMatch(p -> p.startsWith("{"));
        }

        boolean lists() {
            return this == APP_COLLECTIONS || this == COLLECTIONS || this == ENTRIES;
        }

        boolean history() {
            return this == COLLECTION_VERSIONS || this == ENTRY_VERSIONS;
        }

        boolean pages() {
            return lists() || history();
        }

        boolean restore() {
            return this == COLLECTION_RESTORE || this == ENTRY_RESTORE;
        }

        /** PUT and DELETE of an item and POST of a restore: the writes If-Match applies to. */
        boolean ifMatchApplies(Method m) {
            return ((this == COLLECTION || this == ENTRY) && (m == Method.PUT || m == Method.DELETE))
                    || (restore() && m == Method.POST);
        }

        boolean collectionBody() {
            return this == COLLECTIONS || this == COLLECTION;
        }
    }

    record Combo(Method method, Route route) {
        @Override
        public String toString() {
            return method + " " + route;
        }
    }

    /** Where a mutation makes a request invalid ({@code effective}), and which 405 combinations it is also tried on. */
    enum Applies {
        BODY {
            boolean effective(Method m, Route r) {
                return r.readsBody(m);
            }

            boolean alsoDisallowed(Method m, Route r) {
                return m == Method.POST || m == Method.PUT;
            }
        },
        IDS {
            boolean effective(Method m, Route r) {
                return r.hasIds();
            }
        },
        EVERYWHERE {
            boolean effective(Method m, Route r) {
                return true;
            }
        },
        IF_MATCH {
            boolean effective(Method m, Route r) {
                return r.ifMatchApplies(m);
            }

            boolean alsoDisallowed(Method m, Route r) {
                return m == Method.POST || m == Method.PUT || m == Method.DELETE;
            }
        },
        LOOKUP {
            boolean effective(Method m, Route r) {
                return r.lists() && (m == Method.GET || m == Method.HEAD);
            }

            boolean alsoDisallowed(Method m, Route r) {
                return true;
            }
        },
        PAGES {
            boolean effective(Method m, Route r) {
                return r.pages() && (m == Method.GET || m == Method.HEAD);
            }

            boolean alsoDisallowed(Method m, Route r) {
                return true;
            }
        },
        HISTORY {
            boolean effective(Method m, Route r) {
                return r.history() && (m == Method.GET || m == Method.HEAD);
            }

            boolean alsoDisallowed(Method m, Route r) {
                return true;
            }
        };

        abstract boolean effective(Method m, Route r);

        boolean alsoDisallowed(Method m, Route r) {
            return false;
        }
    }

    /**
     * The (method, route) pairs a category's requests go to, shuffled. Most go where the route has that
     * method and the mutation is what makes the request invalid. The others get a 405 whatever the
     * mutation: the categories that apply everywhere try each of those once (so that, together, every
     * method is tried on every route), the others a sample.
     */
    private static List<Combo> plan(Category category, Random random) {
        List<Combo> allowed = new ArrayList<>();
        List<Combo> disallowed = new ArrayList<>();
        for (Route route : Route.values()) {
            for (Method method : Method.values()) {
                Combo combo = new Combo(method, route);
                if (route.allows(method) && category.applies.effective(method, route)) {
                    allowed.add(combo);
                } else if (!route.allows(method)
                        && (category.applies.effective(method, route) || category.applies.alsoDisallowed(method, route))) {
                    disallowed.add(combo);
                }
            }
        }
        boolean everyPair = category.applies == Applies.EVERYWHERE || category.applies == Applies.IDS;
        int requests = everyPair ? REQUESTS * 5 / 4 : REQUESTS;
        Collections.shuffle(disallowed, random);
        List<Combo> plan = new ArrayList<>(disallowed.subList(0, Math.min(disallowed.size(), everyPair ? requests / 2 : requests / 4)));
        List<Combo> cycle = new ArrayList<>();
        while (plan.size() < requests) {
            if (cycle.isEmpty()) {
                cycle.addAll(allowed);
                Collections.shuffle(cycle, random);
            }
            plan.add(cycle.remove(cycle.size() - 1));
        }
        Collections.shuffle(plan, random);
        return plan;
    }

    // ---- the categories ---------------------------------------------------------------------------

    @FunctionalInterface
    interface Generator {
        Req generate(Random r, Method m, Route route);
    }

    enum Category {
        TRUNCATED_JSON("truncated-json", Applies.BODY, FuzzApiTest::truncatedJson),
        WRONG_TYPES("wrong-types", Applies.BODY, FuzzApiTest::wrongTypes),
        DEEP_NESTING("deep-nesting", Applies.BODY, FuzzApiTest::deepNesting),
        HUGE_NUMBERS("huge-numbers", Applies.BODY, FuzzApiTest::hugeNumbers),
        DUPLICATE_KEYS("duplicate-keys", Applies.BODY, FuzzApiTest::duplicateKeys),
        INVALID_UTF8_BODY("invalid-utf8-body", Applies.BODY, FuzzApiTest::invalidUtf8Body),
        LONE_SURROGATE_BODY("lone-surrogate-body", Applies.BODY, FuzzApiTest::loneSurrogateBody),
        BODY_TOO_LARGE("body-too-large", Applies.BODY, FuzzApiTest::bodyTooLarge),
        WRONG_CONTENT_TYPE("wrong-content-type", Applies.BODY, FuzzApiTest::wrongContentType),
        BAD_ID("bad-id", Applies.IDS, FuzzApiTest::badId),
        BAD_PERCENT_ESCAPE("bad-percent-escape", Applies.EVERYWHERE, FuzzApiTest::badPercentEscape),
        BAD_IF_MATCH("bad-if-match", Applies.IF_MATCH, FuzzApiTest::badIfMatch),
        BAD_API_KEY("bad-api-key", Applies.EVERYWHERE, FuzzApiTest::badApiKey),
        NON_ASCII_HEADER("non-ascii-header", Applies.EVERYWHERE, FuzzApiTest::nonAsciiHeader),
        LONG_NAME_QUERY("long-name-query", Applies.LOOKUP, FuzzApiTest::longNameQuery),
        BAD_LIMIT("bad-limit", Applies.PAGES, FuzzApiTest::badLimit),
        BAD_CURSOR("bad-cursor", Applies.PAGES, FuzzApiTest::badCursor),
        BAD_SINCE("bad-since", Applies.LOOKUP, FuzzApiTest::badSince),
        BAD_ORDER("bad-order", Applies.HISTORY, FuzzApiTest::badOrder),
        INVALID_UTF8_QUERY("invalid-utf8-query", Applies.EVERYWHERE, FuzzApiTest::invalidUtf8Query);

        final String label;
        final Applies applies;
        final Generator generator;

        Category(String label, Applies applies, Generator generator) {
            this.label = label;
            this.applies = applies;
            this.generator = generator;
        }

        /** The application of this category: its data is its own. */
        String app() {
            return "fz-" + label;
        }

        String key() {
            return "key-" + label + "-rw-01";
        }

        String key2() {
            return "key-" + label + "-rw-02";
        }

        String readKey() {
            return "key-" + label + "-ro-01";
        }
    }

    // -- bodies

    /** Strict prefixes of a valid body (never empty), and hand-made syntax errors. */
    static Req truncatedJson(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        byte[] full = bytes(bodyFor(r, route, true));
        if (r.nextInt(3) > 0) {
            q.variant = "prefix of a valid body";
            q.body = Arrays.copyOf(full, 1 + r.nextInt(full.length - 1));
        } else {
            String[] broken = {
                "{\"name\":\"abc", "{\"name\":}", "{\"name\"}", "{\"name\":\"a\",}", "{,}", "{\"name\" \"a\"}",
                "{'name':'a'}", "{name:\"a\"}", "{\"name\":\"a\"}}", "{\"name\":\"a\"} x", "{\"name\":\"a\"}{\"name\":\"b\"}",
                "{\"name\":\"a\",\"value\":[1,2}", "{\"name\":\"a\",\"value\":{\"k\":1]}", "{\"name\":\"a\",\"value\":[NaN]}",
                "{\"name\":\"a\",\"value\":[Infinity]}", "{\"name\":\"a\",\"value\":[01]}", "{\"name\":\"a\",\"value\":[1.]}",
                "{\"name\":\"a\",\"value\":[.5]}", "{\"name\":\"a\",\"value\":[+1]}", "{\"name\":\"a\\x\"}", "{\"name\":\"a\\u12\"}",
                "{\"name\":\"a\tb\"}", "{\"name\":\"a\nb\"}", "{\"name\":\"a\",\"value\":[tru]}", "{\"name\":\"a\",\"value\":[nul]}",
                "// c\n{\"name\":\"a\"}", "/*c*/{\"name\":\"a\"}", "{\"name\":\"a\"/*c*/}", " ", "\n\t ", "{\"version\":1", "{\"version\":}",
                "{\"version\":1,}", "{\"version\":1}x",
            };
            String body = broken[r.nextInt(broken.length)];
            q.variant = "malformed JSON";
            q.body = bytes(body);
        }
        if (!route.restore() && r.nextInt(12) == 0) {
            q.variant = "empty body";
            q.body = new byte[0];
        }
        return q.maybeChunked(r);
    }

    /**
     * A wrong type for name (or version, on restore), a body that is not an object, a required field
     * missing. Never a wrong type for "value" alone: SPEC 4.1 says a value is any JSON value, while
     * docs/api.md (and ErrorsApiTest) refuse strings, numbers, booleans and null; until they agree such
     * a body is not invalid by construction.
     */
    static Req wrongTypes(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] wrongNames = {"12", "-3", "0", "1.5", "true", "false", "[]", "[\"a\"]", "{}", "{\"a\":\"b\"}"};
        String[] topLevel = {"[]", "[{\"name\":\"x\"}]", "\"x\"", "12", "true", "false"};
        int pick = r.nextInt(10);
        if (pick < 2) {
            q.variant = "body is not a JSON object";
            // JSON null is left out on restore, whose body is optional
            q.body = bytes(!route.restore() && r.nextInt(7) == 0 ? "null" : topLevel[r.nextInt(topLevel.length)]);
        } else if (route.restore() && route.allows(m)) {
            String[] wrongVersions = {"\"1\"", "\"one\"", "1.5", "0", "-1", "true", "[1]", "{\"n\":1}", "\"\""};
            q.variant = "version of a wrong type or out of range";
            q.body = bytes("{\"version\":" + wrongVersions[r.nextInt(wrongVersions.length)] + "}");
        } else if (pick < 4) {
            q.variant = "no name (and no value)";
            q.body = bytes(r.nextBoolean() ? "{}" : "{\"meta\":{\"note\":\"only ignored fields\"}}");
            if (m == Method.PUT && route.allows(m)) { // PUT keeps omitted fields: an empty PUT is not clearly invalid
                q.variant = "name of a wrong type";
                q.body = bytes("{\"name\":" + wrongNames[r.nextInt(wrongNames.length)] + "}");
            }
        } else if (pick < 6) {
            q.variant = r.nextBoolean() ? "empty name" : "name over 1000 bytes";
            String name = q.variant.equals("empty name") ? "" : longName(r, 1001 + r.nextInt(200));
            q.body = bytes(withName(r, route, js(name)));
        } else {
            q.variant = "name of a wrong type";
            q.body = bytes(withName(r, route, wrongNames[r.nextInt(wrongNames.length)]));
        }
        return q.maybeChunked(r);
    }

    /** Nesting deeper than the parser's 1000 levels (ErrorsApiTest holds 1500 to be a 400), balanced or not. */
    static Req deepNesting(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        int room = MAX_BODY - 200;
        String nested;
        switch (r.nextInt(4)) {
            case 0 -> {
                int depth = 1001 + r.nextInt(room / 2 - 1001);
                nested = "[".repeat(depth) + "]".repeat(depth);
                q.variant = "arrays nested " + bucket(depth);
            }
            case 1 -> {
                int depth = 1001 + r.nextInt(room / 6 - 1001);
                nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                q.variant = "objects nested " + bucket(depth);
            }
            case 2 -> {
                int depth = 1001 + r.nextInt(room / 7 - 1001);
                nested = "[{\"a\":".repeat(depth / 2) + "1" + "}]".repeat(depth / 2);
                q.variant = "arrays and objects nested " + bucket(depth);
            }
            default -> {
                int depth = 1001 + r.nextInt(room - 1001);
                nested = "[".repeat(depth);
                q.variant = "unclosed nesting " + bucket(depth);
            }
        }
        String where;
        if (route.restore() && route.allows(m)) {
            where = r.nextBoolean() ? "ignored field" : "version";
        } else if (route.collectionBody() && route.allows(m)) {
            where = r.nextBoolean() ? "ignored field" : "name";
        } else {
            where = new String[] {"value", "ignored field", "name"}[r.nextInt(3)];
        }
        q.variant += ", in " + where;
        String body = switch (where) {
            case "value" -> "{\"name\":" + js(freshName(r)) + ",\"value\":" + nested + "}";
            case "name" -> "{\"name\":" + nested + "}";
            case "version" -> "{\"version\":" + nested + "}";
            default -> route.restore() ? "{\"version\":1,\"meta\":" + nested + "}" : "{\"name\":" + js(freshName(r)) + ",\"meta\":" + nested + "}";
        };
        q.body = bytes(body);
        return q.maybeChunked(r);
    }

    /** Numbers no name or version can be; a number as the whole body. Big numbers in a value are valid and not used. */
    static Req hugeNumbers(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] huge = {"1e400", "-1e400", "1e-400", "123456789012345678901234567890123", "-99999999999999999999999",
            "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(1500), "0." + "0".repeat(1200) + "1"};
        String n = huge[r.nextInt(huge.length)];
        String label = n.length() > 40 ? n.length() + "-character number" : n;
        if (route.restore() && route.allows(m)) {
            if (r.nextInt(4) == 0) {
                q.variant = "a huge number as the whole body";
                q.body = bytes(n);
            } else {
                q.variant = "version " + label;
                q.body = bytes("{\"version\":" + n + "}");
            }
        } else if (r.nextInt(4) == 0) {
            q.variant = "a huge number as the whole body";
            q.body = bytes(n);
        } else {
            q.variant = "name " + label;
            String value = route.collectionBody() && route.allows(m) ? "" : ",\"value\":{\"n\":" + n + "}";
            q.body = bytes("{\"name\":" + n + value + "}");
        }
        return q.maybeChunked(r);
    }

    static Req duplicateKeys(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String name = js(freshName(r));
        List<String[]> choices = new ArrayList<>();
        if (route.restore() && route.allows(m)) {
            choices.add(new String[] {"version twice", "{\"version\":1,\"version\":1}"});
            choices.add(new String[] {"version twice", "{\"version\":1,\"version\":2}"});
            choices.add(new String[] {"duplicate key in an ignored field", "{\"version\":1,\"meta\":{\"a\":1,\"a\":2}}"});
        } else {
            choices.add(new String[] {"name twice", "{\"name\":" + name + ",\"name\":" + name + "}"});
            choices.add(new String[] {"name twice", "{\"name\":" + name + ",\"name\":" + js(freshName(r)) + "}"});
            choices.add(new String[] {"duplicate key in an ignored field", "{\"name\":" + name + ",\"meta\":{\"x\":1,\"x\":1}}"});
            choices.add(new String[] {"ignored field twice", "{\"name\":" + name + ",\"x\":1,\"x\":2}"});
            if (!(route.collectionBody() && route.allows(m))) {
                choices.add(new String[] {"duplicate key in the value", "{\"name\":" + name + ",\"value\":{\"k\":1,\"k\":2}}"});
                choices.add(new String[] {"duplicate key in the value", "{\"value\":{\"a\":[{\"k\":\"x\",\"b\":0,\"k\":\"x\"}]}}"});
                choices.add(new String[] {"duplicate key in the value (escaped)", "{\"value\":{\"k\":1,\"\\u006b\":2}}"});
                choices.add(new String[] {"value twice", "{\"name\":" + name + ",\"value\":{},\"value\":{}}"});
            }
        }
        String[] c = choices.get(r.nextInt(choices.size()));
        q.variant = c[0];
        q.body = bytes(c[1]);
        return q.maybeChunked(r);
    }

    private static final String[][] BAD_UTF8 = {
        {"overlong C0 AF", "C0AF"}, {"overlong C1 BF", "C1BF"}, {"overlong E0 80 AF", "E080AF"}, {"overlong F0 80 80 AF", "F08080AF"},
        {"encoded surrogate ED A0 80", "EDA080"}, {"encoded surrogate ED BF BF", "EDBFBF"}, {"CESU-8 pair ED A0 BD ED B8 80", "EDA0BDEDB880"},
        {"above U+10FFFF F4 90 80 80", "F4908080"}, {"F5 80 80 80", "F5808080"}, {"lone continuation 80", "80"},
        {"lone continuation BF", "BF"}, {"FE", "FE"}, {"FF", "FF"}, {"truncated C3", "C3"}, {"truncated E2 82", "E282"},
        {"truncated F0 9F 98", "F09F98"}, {"bad continuation C3 28", "C328"}, {"5-byte F8 88 80 80 80", "F888808080"},
    };

    static Req invalidUtf8Body(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
        String[] hole = hole(r, m, route);
        q.variant = bad[0] + " in " + hole[0];
        q.body = fill(hole[1], hex(bad[1]));
        return q.maybeChunked(r);
    }

    static Req loneSurrogateBody(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] escapes = {"\\ud800", "\\uDBFF", "\\udc00", "\\uDFFF", "\\ud800x", "\\ud800\\u0041", "\\udc00\\ud800",
            "\\ud800\\ud800", "\\ud83d", "\\ude00"};
        String escape = escapes[r.nextInt(escapes.length)];
        String[] hole = hole(r, m, route);
        q.variant = "\"" + escape + "\" in " + hole[0];
        q.body = fill(hole[1], bytes(escape));
        return q.maybeChunked(r);
    }

    static Req bodyTooLarge(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        int size = MAX_BODY + 1 + r.nextInt(2 * MAX_BODY);
        String start;
        if (route.restore() && route.allows(m)) {
            start = "{\"version\":1,\"meta\":\"";
        } else if (route.collectionBody() && route.allows(m)) {
            start = "{\"name\":" + js(freshName(r)) + ",\"meta\":\"";
        } else {
            start = "{\"name\":" + js(freshName(r)) + ",\"value\":{\"pad\":\"";
        }
        String end = start.contains("value") ? "\"}}" : "\"}";
        boolean spaces = r.nextInt(3) == 0;
        if (spaces) {
            String small = bodyFor(r, route, true);
            q.body = bytes(small + " ".repeat(Math.max(0, size - small.length())));
        } else {
            q.body = bytes(start + "a".repeat(Math.max(0, size - start.length() - end.length())) + end);
        }
        q.chunked = r.nextInt(3) == 0;
        q.variant = (spaces ? "valid JSON padded with spaces" : "valid JSON with a long string")
                + (q.chunked ? ", chunked" : ", Content-Length");
        return q;
    }

    static Req wrongContentType(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] types = {"text/plain", "text/plain; charset=utf-8", "text/html", "application/xml", "text/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "application/octet-stream", "image/png",
            "application/javascript", "application/jsonp", "text/csv", "text/plain; charset=\"application/json\"", "json", "application"};
        String type = types[r.nextInt(types.length)];
        q.variant = "Content-Type " + type;
        q.contentType = bytes(type);
        q.body = bytes(bodyFor(r, route, true));
        return q.maybeChunked(r);
    }

    // -- paths

    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~@:+=-";
    /** Characters outside the id alphabet that may stand raw in a request target (or that Jetty must refuse). */
    private static final String FORBIDDEN_RAW = "!$&'()*,|\"<>^`{}\\[]";
    /** Escapes of characters outside the id alphabet (never of '.', '/', or an alphabet character). */
    private static final String[] FORBIDDEN_ESCAPED = {"%20", "%21", "%22", "%23", "%24", "%25", "%26", "%27", "%28", "%29", "%2A",
        "%2C", "%3B", "%3C", "%3E", "%3F", "%5B", "%5C", "%5D", "%5E", "%60", "%7B", "%7C", "%7D", "%7F", "%00", "%09", "%0A", "%0D"};

    static Req badId(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        List<Integer> ids = q.idSegments();
        int at = ids.get(r.nextInt(ids.size()));
        String param = route.parts.get(at);
        String good = new String(q.path.get(at), StandardCharsets.UTF_8);
        byte[] bad;
        int kind = r.nextInt(param.equals("{version}") ? 9 : 7);
        switch (kind) {
            case 0 -> {
                q.variant = "id too long";
                bad = bytes(randomId(r, 129 + r.nextInt(300)));
            }
            case 1 -> {
                char c = FORBIDDEN_RAW.charAt(r.nextInt(FORBIDDEN_RAW.length()));
                q.variant = "forbidden character " + c + " (raw)";
                bad = bytes(insert(r, good, String.valueOf(c)));
            }
            case 2 -> {
                String e = FORBIDDEN_ESCAPED[r.nextInt(FORBIDDEN_ESCAPED.length)];
                q.variant = "forbidden character " + e;
                bad = bytes(insert(r, good, e));
            }
            case 3 -> {
                q.variant = r.nextBoolean() ? "a|b" : "a%7Cb";
                bad = bytes(q.variant);
            }
            case 4 -> {
                q.variant = "non-ASCII character (raw UTF-8)";
                bad = bytes(insert(r, good, new String[] {"é", "ü", "中", "😀", "ａ"}[r.nextInt(5)]));
            }
            case 5 -> {
                q.variant = "non-ASCII character (escaped UTF-8)";
                bad = bytes(insert(r, good, new String[] {"%C3%A9", "%E4%B8%AD", "%F0%9F%98%80", "%C2%A0"}[r.nextInt(4)]));
            }
            case 6 -> {
                q.variant = "id of 129 characters";
                bad = bytes(randomId(r, 129));
            }
            default -> {
                String[] versions = {"0", "-1", "00", "-0", "abc", "1.5", "1e3", "0x1", "1a", "99999999999999999999", "9223372036854775808"};
                q.variant = "bad version number";
                bad = bytes(versions[r.nextInt(versions.length)]);
            }
        }
        q.variant += " in " + param;
        q.path.set(at, bad);
        return q.maybeFilter(r);
    }

    private static final String[] BAD_ESCAPES = {"%zz", "%g0", "%", "%2", "%%", "%ff", "%FE", "%C0%AF", "%C1%BF", "%E0%80%AF",
        "%ED%A0%80", "%ED%BF%BF", "%F4%90%80%80", "%F5%80%80%80", "%80", "%C3", "%E2%82", "%C3%28"};

    static Req badPercentEscape(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String escape = BAD_ESCAPES[r.nextInt(BAD_ESCAPES.length)];
        List<Integer> ids = q.idSegments();
        boolean inId = !ids.isEmpty() && r.nextInt(4) > 0;
        int at = inId ? ids.get(r.nextInt(ids.size())) : r.nextInt(route.parts.size());
        String segment = new String(q.path.get(at), StandardCharsets.UTF_8);
        // an incomplete escape goes last in its segment: "%" or "%2" before hex digits of the id could form a valid escape
        boolean incomplete = escape.equals("%") || escape.equals("%2");
        q.path.set(at, bytes(incomplete ? segment + escape : insert(r, segment, escape)));
        q.variant = escape + (inId ? " in an id" : " in a fixed path segment");
        return q.maybeFilter(r);
    }

    // -- headers

    static Req badIfMatch(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[][] values = {
            {"not an ETag", "abc"}, {"not an ETag", "\"abc\""}, {"not an ETag", "W/\"x\""}, {"not an ETag", "\"-1\""},
            {"not an ETag", "\"\""}, {"not an ETag", "\"1.0\""}, {"not an ETag", "\"0x1\""}, {"not an ETag", "\"1e2\""},
            {"not an ETag", "W/ \"1\""}, {"not an ETag", "**"}, {"not an ETag", "-"}, {"list of ETags", "\"1\", \"2\""},
            {"list of ETags", "*, \"1\""}, {"list of ETags", "\"1\" \"2\""}, {"version overflow", "\"99999999999999999999\""},
            {"version overflow", "\"9223372036854775808\""}, {"impossible version", "\"0\""}, {"impossible version", "\"00\""},
            {"non-ASCII digit", "\"١\""}, {"non-ASCII digit", "\"１\""},
        };
        String[] v = values[r.nextInt(values.length)];
        q.variant = "If-Match: " + v[0];
        q.ifMatch = bytes(v[1]);
        return q;
    }

    static Req badApiKey(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String key = world.key;
        boolean write = m == Method.POST || m == Method.PUT || m == Method.DELETE;
        int kind = r.nextInt(write ? 11 : 10);
        switch (kind) {
            case 0 -> {
                q.variant = "no x-api-key";
                q.apiKey = null;
            }
            case 1 -> {
                q.variant = "empty x-api-key";
                q.apiKey = new byte[0];
            }
            case 2 -> {
                q.variant = "unknown key";
                q.apiKey = bytes("key-z-" + randomId(r, 12));
            }
            case 3 -> {
                q.variant = "a valid key cut short";
                q.apiKey = bytes(key.substring(0, 1 + r.nextInt(key.length() - 1)));
            }
            case 4 -> {
                q.variant = "a valid key with more after it";
                q.apiKey = bytes(key + randomId(r, 1 + r.nextInt(4)));
            }
            case 5 -> {
                q.variant = "a valid key in upper case";
                q.apiKey = bytes(key.toUpperCase(Locale.ROOT));
            }
            case 6 -> {
                q.variant = "a valid key with a space or tab inside";
                // inside, not at either end: HTTP trims whitespace around a header value (RFC 9110 5.5)
                int at = 1 + r.nextInt(key.length() - 1);
                q.apiKey = bytes(key.substring(0, at) + (r.nextBoolean() ? " " : "\t") + key.substring(at));
            }
            case 7 -> {
                q.variant = "Bearer <valid key>";
                q.apiKey = bytes("Bearer " + key);
            }
            case 8 -> {
                q.variant = "two keys in one header";
                q.apiKey = bytes(key + ", " + world.key2);
            }
            case 9 -> {
                q.variant = "a valid key with a control character inside";
                q.apiKey = bytes(insert(r, key, new String[] {"\u0000", "\u0001", "\u007f", "\u000b"}[r.nextInt(4)]));
            }
            default -> {
                q.variant = "read-only key on a write";
                q.apiKey = bytes(world.readKey);
            }
        }
        return q;
    }

    private static final String[][] NON_ASCII = {
        {"UTF-8 é", "C3A9"}, {"Latin-1 é", "E9"}, {"FF", "FF"}, {"80", "80"}, {"overlong C0 AF", "C0AF"},
        {"zero-width space", "E2808B"}, {"no-break space", "C2A0"}, {"Cyrillic а", "D0B0"},
    };

    static Req nonAsciiHeader(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] bad = NON_ASCII[r.nextInt(NON_ASCII.length)];
        List<String> headers = new ArrayList<>(List.of("x-api-key"));
        if (route.ifMatchApplies(m)) {
            headers.add("If-Match");
        }
        if (route.readsBody(m)) {
            headers.add("Content-Type");
        }
        String header = headers.get(r.nextInt(headers.size()));
        q.variant = bad[0] + " in " + header;
        switch (header) {
            case "x-api-key" -> q.apiKey = insertBytes(r, bytes(world.key), hex(bad[1]));
            case "If-Match" -> q.ifMatch = concat(bytes("\"1"), hex(bad[1]), bytes("\""));
            default -> {
                // inside the media type, never in a parameter: "application/json; x=\xFF" would be JSON
                String type = "application/json";
                int at = 1 + r.nextInt(type.length());
                q.contentType = concat(bytes(type.substring(0, at)), hex(bad[1]), bytes(type.substring(at)));
                if (q.body == null || q.body.length == 0) {
                    q.body = bytes(bodyFor(r, route, true));
                }
            }
        }
        return q;
    }

    // -- query strings

    static Req longNameQuery(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String name;
        switch (r.nextInt(4)) {
            case 0 -> {
                name = "n".repeat(1001);
                q.variant = "?name= of 1001 ASCII bytes";
            }
            case 1 -> {
                name = randomId(r, 1001 + r.nextInt(2000));
                q.variant = "?name= of 1001-3000 ASCII bytes";
            }
            case 2 -> {
                name = "é".repeat(501 + r.nextInt(500));
                q.variant = "?name= of 1002-2000 bytes of é";
            }
            default -> {
                name = "😀".repeat(251 + r.nextInt(200));
                q.variant = "?name= of 1004-1800 bytes of emoji";
            }
        }
        q.query("name", enc(name));
        if (r.nextBoolean()) {
            q.query("filter", pick(r, "latest", "current", "all"));
        }
        return q;
    }

    /**
     * The change feed (?since=): tokens that are not this listing's (forged, altered, of another
     * kind of value), a bad wait or limit beside a good since, since with a parameter it does not
     * take. Each is refused before any wait.
     */
    static Req badSince(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        int kind = r.nextInt(4);
        if (kind == 0) {
            String[] waits = {"31", "-1", "x", "1.5", "", "99999999999", "%00"};
            String wait = waits[r.nextInt(waits.length)];
            q.variant = "since=0 with wait=" + wait;
            q.query("since", "0");
            q.query("wait", wait);
        } else if (kind == 1) {
            String[] limits = {"0", "1001", "-5", "ten"};
            String limit = limits[r.nextInt(limits.length)];
            q.variant = "since=now with limit=" + limit;
            q.query("since", "now");
            q.query("limit", limit);
        } else if (kind == 2) {
            String other = pick(r, "filter=all", "cursor=abc", "name=x", "asOf=2026-01-01T00:00:00Z");
            q.variant = "since with " + other.substring(0, other.indexOf('='));
            q.query("since", "0");
            q.query(other.substring(0, other.indexOf('=')), enc(other.substring(other.indexOf('=') + 1)));
        } else {
            String payload = "0000000000000#" + randomId(r, 26) + "#0000000001";
            String[] forged = {"", "NOW", "00", "1", "-1", "abc", "abc.def", ".", "..", enc("é.é"), randomId(r, 300),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(payload)) + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(r, 12)),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(payload))};
            String since = forged[r.nextInt(forged.length)];
            q.variant = "forged since";
            q.query("since", since);
            if (r.nextBoolean()) {
                q.query("wait", "30");
            }
        }
        return q;
    }

    static Req badLimit(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] limits = {"0", "-1", "-0", "1001", "1000000", "2147483648", "99999999999999999999", "lots", "1.5", "1e2",
            "0x10", "10abc", "", "%20", "NaN", "Infinity", "%00", "one", "%2D5", "5-", "1,000", "1%201"};
        String limit = limits[r.nextInt(limits.length)];
        q.variant = "limit=" + limit;
        if (r.nextBoolean()) {
            q.query(route.history() ? "order" : "filter", route.history() ? pick(r, "asc", "desc") : pick(r, "latest", "current", "all"));
        }
        q.query("limit", limit);
        return q;
    }

    static Req badOrder(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String[] orders = {"sideways", "", "ascending", "descending", "up", "down", "1", "-1", "asc,desc", "asc%2Cdesc", "as",
            "asc;desc", "ascdesc", "random", "a%20sc"};
        String order = orders[r.nextInt(orders.length)];
        q.variant = "order=" + order;
        q.query("order", order);
        if (r.nextBoolean()) {
            q.query("limit", Integer.toString(1 + r.nextInt(5)));
        }
        return q;
    }

    static Req badCursor(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String app = world.app;
        String filterOrOrder = null;
        if (route.lists()) {
            filterOrOrder = pick(r, null, "latest", "current", "all", "ALL", "Current", "bogus");
            if (filterOrOrder != null) {
                q.query("filter", filterOrOrder);
            }
        } else if (route.history()) {
            filterOrOrder = pick(r, null, "asc", "desc", "DESC");
            if (filterOrOrder != null) {
                q.query("order", filterOrOrder);
            }
        }
        if (r.nextBoolean()) {
            q.query("limit", Integer.toString(1 + r.nextInt(3)));
        }
        String cursor;
        int kind = r.nextInt(10);
        if (kind < 3) {
            String[] forged = {"abc", "abc.def", ".", "..", "a.b.c", "!!!.???", "%00", enc("é.é"), "AAAA.AAAA",
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes("fz-ann|" + randomId(r, 26) + "|1")) + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(r, 12)),
                randomId(r, 2000)};
            cursor = forged[r.nextInt(forged.length)];
            q.variant = "forged cursor";
        } else if (kind < 6) {
            World.Cursor original = world.cursors.get(r.nextInt(world.cursors.size()));
            String[] altered = alter(r, original.cursor());
            q.variant = "altered cursor: " + altered[0];
            cursor = enc(altered[1]);
        } else {
            boolean asAppB = (m == Method.GET || m == Method.HEAD) && route.allows(m) && r.nextInt(4) == 0;
            if (asAppB) {
                q.apiKey = bytes(TestServer.KEY_B);
                app = "app-b";
            }
            String key = World.listingKey(app, route, q.ids, filterOrOrder);
            List<World.Cursor> all = new ArrayList<>(world.cursors);
            all.addAll(OTHER_APPLICATION);
            List<World.Cursor> others = all.stream().filter(c -> !c.listing().equals(key)).toList();
            World.Cursor other = others.get(r.nextInt(others.size()));
            q.variant = "cursor of another listing: " + World.difference(other.listing(), key);
            cursor = enc(other.cursor());
        }
        q.query("cursor", cursor);
        return q;
    }

    /** A change to a real cursor that the server must notice: the decoded payload or MAC differs, or it no longer decodes. */
    private static String[] alter(Random r, String cursor) {
        while (true) {
            String kind;
            String changed;
            int at = r.nextInt(cursor.length());
            switch (r.nextInt(7)) {
                case 0 -> {
                    kind = "one character replaced";
                    changed = cursor.substring(0, at) + ID_CHARS.charAt(r.nextInt(ID_CHARS.length())) + cursor.substring(at + 1);
                }
                case 1 -> {
                    kind = "one character removed";
                    changed = cursor.substring(0, at) + cursor.substring(at + 1);
                }
                case 2 -> {
                    kind = "one character added";
                    changed = cursor.substring(0, at) + ID_CHARS.charAt(r.nextInt(ID_CHARS.length())) + cursor.substring(at);
                }
                case 3 -> {
                    kind = "cut short";
                    changed = cursor.substring(0, at);
                }
                case 4 -> {
                    kind = "payload and MAC swapped";
                    int dot = cursor.indexOf('.');
                    changed = cursor.substring(dot + 1) + "." + cursor.substring(0, dot);
                }
                case 5 -> {
                    kind = "case changed";
                    changed = cursor.substring(0, at) + flipCase(cursor.charAt(at)) + cursor.substring(at + 1);
                }
                default -> {
                    kind = "padding or junk appended";
                    changed = cursor + pick(r, "=", "==", ".", "..x", "|1", "%00");
                }
            }
            if (!sameCursor(cursor, changed)) {
                return new String[] {kind, changed};
            }
        }
    }

    private static boolean sameCursor(String a, String b) {
        try {
            int da = a.indexOf('.');
            int db = b.indexOf('.');
            if (db < 0) {
                return false;
            }
            Base64.Decoder d = Base64.getUrlDecoder();
            return Arrays.equals(d.decode(a.substring(0, da)), d.decode(b.substring(0, db)))
                    && Arrays.equals(d.decode(a.substring(da + 1)), d.decode(b.substring(db + 1)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Req invalidUtf8Query(Random r, Method m, Route route) {
        Req q = Req.valid(r, m, route);
        String param = pick(r, "name", "filter", "cursor", "limit", "order", "x");
        boolean raw = r.nextInt(4) == 0;
        String[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
        String prefix = param.equals("limit") ? "1" : r.nextBoolean() ? "ab" : "";
        if (raw) {
            q.variant = "raw bytes " + bad[0] + " in ?" + param + "=";
            q.queryBytes(concat(bytes(param + "=" + prefix), hex(bad[1])));
        } else {
            StringBuilder escaped = new StringBuilder();
            for (byte b : hex(bad[1])) {
                escaped.append(String.format("%%%02X", b & 0xff));
            }
            q.variant = "escaped " + bad[0] + " in ?" + param + "=";
            q.query(param, prefix + escaped);
        }
        return q;
    }

    // ---- requests ---------------------------------------------------------------------------------

    /** A request under construction: a valid one for its method and route, which a category then breaks. */
    static final class Req {
        String variant = "?";
        final Method method;
        final Route route;
        final World.Ids ids;
        final List<byte[]> path = new ArrayList<>();
        final List<byte[]> query = new ArrayList<>();
        byte[] apiKey = bytes(world.key);
        byte[] contentType;
        byte[] ifMatch;
        byte[] body;
        boolean chunked;

        private Req(Method method, Route route, World.Ids ids) {
            this.method = method;
            this.route = route;
            this.ids = ids;
        }

        /** Valid path (an existing, deleted or absent item), key and, for POST and PUT, body. */
        static Req valid(Random r, Method m, Route route) {
            Req q = new Req(m, route, world.target(r));
            for (String part : route.parts) {
                q.path.add(bytes(switch (part) {
                    case "{user}" -> q.ids.user();
                    case "{collection}" -> q.ids.collection();
                    case "{entry}" -> q.ids.entry();
                    case "{version}" -> Long.toString(1 + r.nextInt(4));
                    default -> part;
                }));
            }
            if (m == Method.POST || m == Method.PUT) {
                q.body = bytes(bodyFor(r, route, false));
                if (q.body.length > 0) {
                    q.contentType = r.nextInt(8) == 0 ? null : bytes(pick(r, "application/json", "application/json; charset=utf-8"));
                }
            }
            return q;
        }

        List<Integer> idSegments() {
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < route.parts.size(); i++) {
                if (route.parts.get(i).startsWith("{")) {
                    at.add(i);
                }
            }
            return at;
        }

        void query(String name, String encodedValue) {
            query.add(bytes(name + "=" + encodedValue));
        }

        void queryBytes(byte[] raw) {
            query.add(raw);
        }

        /** A valid filter now and then: it never makes a request valid or invalid. */
        Req maybeFilter(Random r) {
            if (r.nextInt(4) == 0) {
                query("filter", pick(r, "latest", "current", "all", "ALL", "unknown"));
            }
            return this;
        }

        Req maybeChunked(Random r) {
            chunked = r.nextInt(5) == 0;
            if (contentType == null && r.nextInt(3) > 0) {
                contentType = bytes("application/json");
            }
            return this;
        }

        RawHttp.Request raw(String requestId) {
            ByteArrayOutputStream target = new ByteArrayOutputStream();
            for (byte[] segment : path) {
                target.write('/');
                target.writeBytes(segment);
            }
            for (int i = 0; i < query.size(); i++) {
                target.write(i == 0 ? '?' : '&');
                target.writeBytes(query.get(i));
            }
            List<RawHttp.Header> headers = new ArrayList<>();
            if (apiKey != null) {
                headers.add(new RawHttp.Header("x-api-key", apiKey));
            }
            if (ifMatch != null) {
                headers.add(new RawHttp.Header("If-Match", ifMatch));
            }
            if (contentType != null) {
                headers.add(new RawHttp.Header("Content-Type", contentType));
            }
            headers.add(RawHttp.Header.of("X-Request-Id", requestId));
            return new RawHttp.Request(method.name(), target.toByteArray(), headers, body, chunked);
        }
    }

    /** A valid body for the route: a name for collections, name and/or value for entries, a version (or nothing) for restore. */
    static String bodyFor(Random r, Route route, boolean nonEmpty) {
        if (route.restore()) {
            return switch (r.nextInt(3)) {
                case 0 -> nonEmpty ? "{}" : "";
                case 1 -> "{}";
                default -> "{\"version\":" + (1 + r.nextInt(3)) + "}";
            };
        }
        String meta = r.nextInt(5) == 0 ? ",\"meta\":{\"version\":7,\"note\":\"ignored\"}" : "";
        if (route.collectionBody()) {
            return "{\"name\":" + js(freshName(r)) + meta + "}";
        }
        return switch (r.nextInt(3)) {
            case 0 -> "{\"name\":" + js(freshName(r)) + meta + "}";
            case 1 -> "{\"value\":" + randomValue(r, 3) + meta + "}";
            default -> "{\"name\":" + js(freshName(r)) + ",\"value\":" + randomValue(r, 3) + meta + "}";
        };
    }

    /** A body with the given (JSON) name and, for entries, a value. */
    private static String withName(Random r, Route route, String nameJson) {
        boolean entry = !route.collectionBody() || !route.allows(Method.POST) && !route.allows(Method.PUT);
        return "{\"name\":" + nameJson + (entry && r.nextBoolean() ? ",\"value\":" + randomValue(r, 2) : "") + "}";
    }

    /**
     * A body template with NUL where the bad bytes go, inside a string: a name, a value string, a key in
     * the value, a nested value string, or an ignored field (its value or its key).
     */
    private static String[] hole(Random r, Method m, Route route) {
        String name = js(freshName(r));
        List<String[]> holes = new ArrayList<>();
        String lead = route.restore() && route.allows(m) ? "\"version\":1," : "";
        holes.add(new String[] {"a name", "{" + lead + "\"name\":\"ab\u0000cd\"}"});
        holes.add(new String[] {"an ignored field", "{" + lead + "\"name\":" + name + ",\"meta\":{\"note\":\"x\u0000\"}}"});
        holes.add(new String[] {"an ignored field's key", "{" + lead + "\"name\":" + name + ",\"x\u0000y\":1}"});
        if (!(route.collectionBody() && route.allows(m))) {
            holes.add(new String[] {"a value string", "{\"name\":" + name + ",\"value\":{\"k\":\"a\u0000\"}}"});
            holes.add(new String[] {"a value key", "{\"value\":{\"k\u0000\":1}}"});
            holes.add(new String[] {"a nested value string", "{\"value\":[1,{\"a\":[\"x\",\"\u0000\"]}]}"});
        }
        return holes.get(r.nextInt(holes.size()));
    }

    private static byte[] fill(String template, byte[] bad) {
        byte[] t = bytes(template);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : t) {
            if (b == 0) {
                out.writeBytes(bad);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    // ---- the seeded data, its cursors, and what "nothing written" compares -----------------------------

    static final class World {
        record Ids(String user, String collection, String entry) {
        }

        record Cursor(String listing, String cursor) {
        }

        final String app;
        final String key;
        final String key2;
        final String readKey;
        final List<Ids> targets = new ArrayList<>();
        final List<Cursor> cursors = new ArrayList<>();
        final List<String> listings = new ArrayList<>();

        private World(Category category) {
            this.app = category.app();
            this.key = category.key();
            this.key2 = category.key2();
            this.readKey = category.readKey();
        }

        Ids target(Random r) {
            return targets.get(r.nextInt(targets.size()));
        }

        Http client() {
            return server.http().with("x-api-key", key);
        }

        /** Two users with collections, entries with several versions, a deleted entry, a deleted collection. */
        static World seed(Category category) {
            World w = new World(category);
            Http a = w.client();
            String ann = "fz-ann";
            String bob = "fz-bob";
            String c1 = created(a.post("/api/user/fz-ann/collection", "{\"name\":\"groceries\"}"), "collection");
            ok(a.put(path(ann, c1), "{\"name\":\"groceries & more\"}"));
            String e1 = created(a.post(path(ann, c1) + "/entry", "{\"name\":\"milk\",\"value\":{\"qty\":1}}"), "entry");
            ok(a.put(path(ann, c1, e1), "{\"value\":{\"qty\":2}}"));
            ok(a.put(path(ann, c1, e1), "{\"value\":{\"qty\":3,\"note\":\"café ☕ 😀\"}}"));
            String e2 = created(a.post(path(ann, c1) + "/entry", "{\"name\":\"eggs\",\"value\":[1,2]}"), "entry");
            ok(a.delete(path(ann, c1, e2)));
            String e3 = created(a.post(path(ann, c1) + "/entry", "{\"value\":[1,\"two\",{\"three\":3.10}]}"), "entry");
            String c2 = created(a.post("/api/user/fz-ann/collection", "{\"name\":\"books\"}"), "collection");
            String e5 = created(a.post(path(ann, c2) + "/entry", "{\"name\":\"dune\",\"value\":{\"year\":1965}}"), "entry");
            ok(a.put(path(ann, c2, e5), "{\"name\":\"Dune\"}"));
            String c3 = created(a.post("/api/user/fz-ann/collection", "{\"name\":\"old\"}"), "collection");
            String e6 = created(a.post(path(ann, c3) + "/entry", "{\"name\":\"x\",\"value\":{}}"), "entry");
            ok(a.delete(path(ann, c3)));
            String c4 = created(a.post("/api/user/fz-bob/collection", "{\"name\":\"groceries\"}"), "collection");
            String e7 = created(a.post(path(bob, c4) + "/entry", "{\"name\":\"tea\",\"value\":{\"kind\":\"green\"}}"), "entry");
            String e8 = created(a.post(path(bob, c4) + "/entry", "{\"name\":\"rice\"}"), "entry");
            ok(a.put(path(bob, c4, e8), "{\"value\":{\"kg\":1}}"));

            // live items weigh more: a check that is missing shows as a write on them
            for (int i = 0; i < 3; i++) {
                w.targets.addAll(List.of(new Ids(ann, c1, e1), new Ids(ann, c1, e3), new Ids(ann, c2, e5), new Ids(bob, c4, e7),
                        new Ids(bob, c4, e8)));
            }
            w.targets.addAll(List.of(new Ids(ann, c1, e2), new Ids(ann, c3, e6), new Ids("fz-ghost", "ghost-collection", "ghost-entry"),
                    new Ids(ann, c1, "no-such-entry"), new Ids(ann, "no-such-collection", "no-such-entry")));

            if (category != Category.BAD_CURSOR) {
                w.addListings(ann, bob, c1, c2, c3, c4);
                return w;
            }
            for (String filter : List.of("latest", "current", "all")) {
                collect(a, w.app, Route.APP_COLLECTIONS, new Ids(null, null, null), filter, w.cursors);
                for (String user : List.of(ann, bob)) {
                    collect(a, w.app, Route.COLLECTIONS, new Ids(user, null, null), filter, w.cursors);
                }
                for (Ids c : List.of(new Ids(ann, c1, null), new Ids(ann, c2, null), new Ids(ann, c3, null), new Ids(bob, c4, null))) {
                    collect(a, w.app, Route.ENTRIES, c, filter, w.cursors);
                }
            }
            for (String order : List.of("asc", "desc")) {
                for (Ids c : List.of(new Ids(ann, c1, null), new Ids(ann, c3, null))) {
                    collect(a, w.app, Route.COLLECTION_VERSIONS, c, order, w.cursors);
                }
                for (Ids e : List.of(new Ids(ann, c1, e1), new Ids(ann, c1, e2), new Ids(ann, c2, e5), new Ids(bob, c4, e8))) {
                    collect(a, w.app, Route.ENTRY_VERSIONS, e, order, w.cursors);
                }
            }
            if (w.cursors.size() < 20) {
                throw new IllegalStateException("the seeded listings gave only " + w.cursors.size() + " cursors");
            }
            w.addListings(ann, bob, c1, c2, c3, c4);
            return w;
        }

        /** The filter=all listings "nothing was written" compares: every scope a request of the category could reach. */
        private void addListings(String ann, String bob, String c1, String c2, String c3, String c4) {
            listings.add("/api/collection?filter=all");
            for (String user : List.of(ann, bob, "fz-ghost")) {
                listings.add("/api/user/" + user + "/collection?filter=all");
            }
            for (Ids c : List.of(new Ids(ann, c1, null), new Ids(ann, c2, null), new Ids(ann, c3, null), new Ids(bob, c4, null),
                    new Ids("fz-ghost", "ghost-collection", null), new Ids(ann, "no-such-collection", null))) {
                listings.add(path(c.user(), c.collection()) + "/entry?filter=all");
            }
        }

        /** Reads the first page (limit=1) of a listing and keeps its next cursor. */
        static void collect(Http client, String app, Route route, Ids ids, String filterOrOrder, List<Cursor> cursors) {
            String base = switch (route) {
                case APP_COLLECTIONS -> "/api/collection";
                case COLLECTIONS -> "/api/user/" + ids.user() + "/collection";
                case ENTRIES -> path(ids.user(), ids.collection()) + "/entry";
                case COLLECTION_VERSIONS -> path(ids.user(), ids.collection()) + "/versions";
                case ENTRY_VERSIONS -> path(ids.user(), ids.collection(), ids.entry()) + "/versions";
                default -> throw new IllegalArgumentException(route.toString());
            };
            Http.Response page = client.get(base + "?limit=1&" + (route.history() ? "order=" : "filter=") + filterOrOrder);
            if (page.status() != 200) {
                throw new IllegalStateException("seeding: " + base + " answered " + page);
            }
            String next = page.header("X-Next-Cursor");
            if (next != null) {
                cursors.add(new Cursor(listingKey(app, route, ids, filterOrOrder), next));
            }
        }

        /**
         * What a cursor is bound to (docs/api.md, Pagination): the application, the listing (route), user,
         * collection, item, and filter for lists or order for histories, as the server reads them.
         */
        static String listingKey(String app, Route route, Ids ids, String filterOrOrder) {
            String raw = filterOrOrder == null ? null : filterOrOrder.trim().toLowerCase(Locale.ROOT);
            String filter = raw == null || !(raw.equals("current") || raw.equals("all")) ? "latest" : raw;
            String order = raw == null || !raw.equals("desc") ? "asc" : "desc";
            return switch (route) {
                case APP_COLLECTIONS -> String.join("|", app, "collections of the application", "-", "-", "-", filter);
                case COLLECTIONS -> String.join("|", app, "collections", ids.user(), "-", "-", filter);
                case ENTRIES -> String.join("|", app, "entries", ids.user(), ids.collection(), "-", filter);
                case COLLECTION_VERSIONS -> String.join("|", app, "collection versions", ids.user(), ids.collection(), "-", order);
                case ENTRY_VERSIONS -> String.join("|", app, "entry versions", ids.user(), ids.collection(), ids.entry(), order);
                // a route that takes no cursor: any cursor is from another listing
                default -> String.join("|", app, route.toString(), "-", "-", "-", "-");
            };
        }

        /** Which part of the listing a cursor was made for differs from the request's. */
        static String difference(String cursorListing, String requestListing) {
            String[] names = {"application", "listing", "user", "collection", "item", "filter/order"};
            String[] c = cursorListing.split("\\|", -1);
            String[] q = requestListing.split("\\|", -1);
            for (int i = 0; i < names.length; i++) {
                if (!c[i].equals(q[i])) {
                    return i == 1 ? "from " + c[1] + " on " + q[1] : "other " + names[i];
                }
            }
            throw new IllegalStateException("same listing: " + cursorListing);
        }
    }

    /** DynamoDB writes so far, from the server's metrics. */
    record Counters(double writeUnits, double transactionsOk, double transactionsTried) {
        static Counters read() {
            double units = 0;
            double ok = 0;
            double tried = 0;
            for (String line : server.server().metrics().scrape().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("dynamini_dynamodb_consumed_write_capacity_units_total")) {
                    units += value;
                } else if (line.startsWith("dynamini_dynamodb_requests_total") && line.contains("operation=\"TransactWriteItems\"")) {
                    tried += value;
                    if (line.contains("outcome=\"ok\"")) {
                        ok += value;
                    }
                }
            }
            return new Counters(units, ok, tried);
        }

        Counters minus(Counters o) {
            return new Counters(writeUnits - o.writeUnits, transactionsOk - o.transactionsOk, transactionsTried - o.transactionsTried);
        }

        boolean wrote() {
            return writeUnits != 0 || transactionsOk != 0;
        }

        @Override
        public String toString() {
            return transactionsOk + " TransactWriteItems committed (" + transactionsTried + " tried), " + writeUnits + " write capacity units";
        }
    }

    /** The full filter=all listings of a category's application (and of app-b), and the write counters. */
    record Snapshot(World world, Map<String, String> listings, Counters counters) {
        static Snapshot take(World w) {
            Map<String, String> listings = new LinkedHashMap<>();
            Http a = w.client();
            for (String path : w.listings) {
                listings.put(w.app + " GET " + path, a.get(path).toString());
            }
            listings.put("app-b GET /api/collection?filter=all", server.appB().get("/api/collection?filter=all").toString());
            return new Snapshot(w, listings, Counters.read());
        }

        /** Items that appeared or disappeared, a few of each. */
        static String diff(String before, String after) {
            if (!after.startsWith("200 ")) {
                return "the listing no longer reads: " + RawHttp.printable(after.getBytes(StandardCharsets.UTF_8), 300);
            }
            try {
                List<String> was = items(before);
                List<String> is = items(after);
                List<String> added = new ArrayList<>(is);
                added.removeAll(was);
                List<String> removed = new ArrayList<>(was);
                removed.removeAll(is);
                return was.size() + " items before, " + is.size() + " after; new: "
                        + added.stream().limit(6).map(s -> RawHttp.printable(s.getBytes(StandardCharsets.UTF_8), 200)).toList()
                        + (added.size() > 6 ? " and " + (added.size() - 6) + " more" : "")
                        + (removed.isEmpty() ? "" : "; gone: " + removed.stream().limit(3).toList());
            } catch (Exception e) {
                return "before: " + before + "\nafter: " + after;
            }
        }

        private static List<String> items(String response) throws Exception {
            JsonNode array = JSON.readTree(response.substring(response.indexOf(' ') + 1));
            List<String> items = new ArrayList<>();
            array.forEach(item -> items.add(item.toString()));
            return items;
        }
    }

    // ---- small helpers ----------------------------------------------------------------------------

    private static String created(Http.Response r, String idField) {
        if (r.status() != 201) {
            throw new IllegalStateException("seeding: expected 201, got " + r);
        }
        return r.json().path("meta").path(idField).asText();
    }

    private static void ok(Http.Response r) {
        if (r.status() != 200) {
            throw new IllegalStateException("seeding: expected 200, got " + r);
        }
    }

    private static String path(String user, String collection) {
        return "/api/user/" + user + "/collection/" + collection;
    }

    private static String path(String user, String collection, String entry) {
        return path(user, collection) + "/entry/" + entry;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] insertBytes(Random r, byte[] into, byte[] what) {
        int at = r.nextInt(into.length + 1);
        return concat(Arrays.copyOfRange(into, 0, at), what, Arrays.copyOfRange(into, at, into.length));
    }

    private static String insert(Random r, String into, String what) {
        int at = r.nextInt(into.length() + 1);
        return into.substring(0, at) + what + into.substring(at);
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String randomId(Random r, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ID_CHARS.charAt(r.nextInt(ID_CHARS.length())));
        }
        return s.toString();
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static char flipCase(char c) {
        return Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.isLowerCase(c) ? Character.toUpperCase(c) : c == '-' ? '_' : '-';
    }

    private static String bucket(int depth) {
        return depth < 1500 ? "1001-1499 deep" : depth < 3000 ? "1500-2999 deep" : "3000+ deep";
    }

    /** A name no item has (so that, were it accepted, the write would show), sometimes with non-ASCII text. */
    private static String freshName(Random r) {
        return "fz " + randomId(r, 8) + pick(r, "", "", " café", " 中文", " 😀", " naïve");
    }

    private static String longName(Random r, int bytes) {
        String unit = pick(r, "a", "é", "中");
        int per = unit.getBytes(StandardCharsets.UTF_8).length;
        return unit.repeat((bytes + per - 1) / per);
    }

    static String js(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A JSON object or array (what docs/api.md allows for a value), with strings, exact numbers, unicode, nesting. */
    private static String randomValue(Random r, int depth) {
        boolean object = r.nextBoolean();
        int n = r.nextInt(4);
        StringBuilder s = new StringBuilder(object ? "{" : "[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            if (object) {
                s.append(js("k" + i + pick(r, "", "é", "😀"))).append(':');
            }
            s.append(depth > 0 && r.nextInt(3) == 0 ? randomValue(r, depth - 1)
                    : pick(r, "1", "-2", "1.10", "123456789012345678901234567890", "true", "false", "null", js("text"), js("café ☕ 😀"), js("")));
        }
        return s.append(object ? "}" : "]").toString();
    }
}
