package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /openapi.json describes exactly the routes the server has: a route added without its
 * documentation, or documentation of a route that is gone, fails here. Also checks that the
 * document is sound (references resolve, path parameters match templates) and that each operation
 * lists the parameters, headers and errors the contract promises.
 */
class OpenApiTest {
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");
    /** Answers Jetty gives before any handler of ours runs: they cannot carry a request id. */
    private static final Set<String> BEFORE_ROUTING = Set.of("UriTooLong", "HeadersTooLarge", "ShuttingDown");
    private static TestServer server;
    private static JsonNode doc;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        Response r = server.http().get("/openapi.json");
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        doc = r.json();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void isAnOpenApi3DocumentServedWithoutAKey() {
        assertTrue(doc.path("openapi").asText().startsWith("3."), doc.path("openapi").toString());
        assertFalse(doc.path("info").path("title").asText().isEmpty());
        assertFalse(doc.path("info").path("version").asText().isEmpty());
        assertEquals("header", doc.at("/components/securitySchemes/apiKey/in").asText());
        assertEquals("x-api-key", doc.at("/components/securitySchemes/apiKey/name").asText());
    }

    @Test
    void documentsExactlyTheRoutesTheServerHas() {
        Set<String> served = new TreeSet<>();
        for (var route : server.server().routes()) {
            served.add(route.method().toUpperCase() + " " + route.path().replaceAll("<([^>]+)>", "{$1}"));
        }
        Set<String> documented = new TreeSet<>();
        operations().forEach(o -> documented.add(o.method().toUpperCase() + " " + o.path()));

        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> gone = new TreeSet<>(documented);
        gone.removeAll(served);
        assertTrue(undocumented.isEmpty() && gone.isEmpty(),
                "routes the server has but /openapi.json lacks: " + undocumented + "; documented routes the server lacks: " + gone);
        assertTrue(served.size() >= 20, "the route list is really collected: " + served);
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        walk(doc, node -> {
            JsonNode ref = node.get("$ref");
            if (ref != null && (!ref.asText().startsWith("#/") || doc.at(ref.asText().substring(1)).isMissingNode())) {
                broken.add(ref.asText());
            }
        });
        assertTrue(broken.isEmpty(), "unresolved $refs: " + broken);
    }

    @Test
    void pathParametersMatchTheTemplates() {
        for (Operation o : operations()) {
            Set<String> inTemplate = new HashSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(o.path());
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Set<String> declared = new HashSet<>();
            for (JsonNode p : parameters(o)) {
                if (p.path("in").asText().equals("path")) {
                    assertTrue(p.path("required").asBoolean(), o + ": path parameter " + p.path("name") + " must be required");
                    declared.add(p.path("name").asText());
                }
            }
            assertEquals(inTemplate, declared, o + ": path parameters");
        }
    }

    @Test
    void apiOperationsListTheirParametersHeadersAndErrors() {
        for (Operation o : operations()) {
            JsonNode responses = o.node().path("responses");
            assertTrue(fieldNames(responses).stream().anyMatch(s -> s.startsWith("2")), o + " has a success response");
            assertTrue(names(o).contains("X-Request-Id"), o + " takes X-Request-Id");
            for (String status : fieldNames(responses)) {
                String component = responses.get(status).path("$ref").asText().replaceAll(".*/", "").replace("ForHead", "");
                assertEquals(!BEFORE_ROUTING.contains(component), resolve(responses.get(status)).path("headers").has("X-Request-Id"),
                        o + " " + status + " sends X-Request-Id");
            }
            if (o.method().equals("head")) {
                continue; // checked against its GET in headIsGetWithoutTheBody
            }
            if (!o.path().startsWith("/api/")) {
                assertTrue(o.node().path("security").isArray() && o.node().path("security").isEmpty(), o + " needs no key");
                continue;
            }
            Set<String> statuses = fieldNames(responses);
            assertTrue(statuses.containsAll(Set.of("400", "401", "414", "429", "431", "503")), o + ": " + statuses);
            for (String status : statuses) {
                if (status.startsWith("4") || status.startsWith("5")) {
                    JsonNode schema = resolve(responses.get(status)).at("/content/application~1json/schema");
                    assertEquals("#/components/schemas/Error", schema.path("$ref").asText(), o + " " + status + " is an Error");
                }
            }
            if (o.path().equals("/api/whoami")) {
                // reads no data and takes no input: only the key (or its text) can be wrong, or over its
                // rate limit; and Jetty's answers that any path can get
                assertEquals(Set.of("200", "400", "401", "414", "429", "431", "503"), statuses, o.toString());
                continue;
            }
            assertTrue(statuses.containsAll(Set.of("400", "401", "429", "503")), o + ": " + statuses);
            boolean writes = !o.method().equals("get");
            if (writes) {
                assertTrue(statuses.contains("403"), o + ": read-only keys");
            }
            if (o.node().has("requestBody")) {
                assertTrue(statuses.containsAll(Set.of("413", "415")), o + ": body size and type");
                JsonNode content = resolve(o.node().get("requestBody")).path("content");
                if (o.method().equals("patch")) {
                    // a PATCH takes patch documents, and application/json is a 415
                    assertEquals(Set.of("application/json-patch+json", "application/merge-patch+json"), fieldNames(content), o + " patch types");
                    assertTrue(statuses.contains("422"), o + ": a patch that cannot apply");
                    content.forEach(type -> assertTrue(type.path("schema").has("$ref"), o + " body schema"));
                } else if (o.path().equals("/api/import")) {
                    // an import takes what an export gives: NDJSON
                    assertEquals(Set.of("application/x-ndjson"), fieldNames(content), o + " takes NDJSON");
                } else {
                    assertTrue(content.at("/application~1json/schema").has("$ref"), o + " body schema");
                }
            }
            // a user purge has no If-Match: a user is not versioned
            boolean userPurge = o.path().equals("/api/user/{user}");
            if (o.method().equals("put") || o.method().equals("patch") || (o.method().equals("delete") && !userPurge) || o.path().endsWith("/restore")) {
                assertTrue(names(o).contains("If-Match") && statuses.contains("412"), o + ": If-Match and 412");
            }
            JsonNode success = resolve(responses.has("200") ? responses.get("200") : responses.get("201"));
            boolean list = success.at("/content/application~1json/schema/type").asText().equals("array");
            boolean history = o.path().endsWith("/versions");
            boolean listOfItems = list && (o.path().endsWith("/collection") || o.path().endsWith("/entry") || history);
            if (listOfItems) {
                assertTrue(names(o).containsAll(Set.of("limit", "cursor")), o + ": pagination parameters");
                assertTrue(success.path("headers").has("Link") && success.path("headers").has("X-Next-Cursor"), o + ": next page headers");
                assertTrue(names(o).contains(history ? "order" : "filter"), o + ": " + (history ? "order" : "filter"));
                if (!history) {
                    assertTrue(names(o).contains("name"), o + ": lookup by name");
                }
            } else if (o.path().equals("/api/export") || o.path().equals("/api/import")) {
                // a whole application, not a representation of one item: no ETag
                assertTrue(success.path("content").has(o.method().equals("get") ? "application/x-ndjson" : "application/json"), o + " content");
            } else if (o.path().endsWith("/diff")) {
                // a diff is not a representation of the item: no ETag
                assertTrue(success.path("content").has("application/json-patch+json"), o + " answers a JSON Patch");
            } else if (o.path().equals("/api/batch")) {
                // the results of several changes, each item with its version: no ETag
                assertEquals("#/components/schemas/BatchResult", success.at("/content/application~1json/schema/$ref").asText(), o + " answers results");
            } else if (userPurge) {
                // counts of what was removed, not an item: no ETag
                assertEquals("#/components/schemas/Purged", success.at("/content/application~1json/schema/$ref").asText(), o + " answers counts");
            } else {
                assertTrue(success.path("headers").has("ETag"), o + ": single-item answers carry ETag");
                if (o.method().equals("get")) {
                    assertTrue(names(o).contains("If-None-Match") && statuses.contains("304"), o + ": conditional GET");
                }
            }
        }
    }

    /** Every GET has a HEAD: the same parameters, statuses and headers, and never a body. */
    @Test
    void headIsGetWithoutTheBody() {
        int heads = 0;
        for (Operation get : operations()) {
            if (!get.method().equals("get")) {
                continue;
            }
            JsonNode head = doc.path("paths").path(get.path()).path("head");
            assertFalse(head.isMissingNode(), get + " has a HEAD");
            heads++;
            assertEquals(get.node().path("parameters"), head.path("parameters"), get + ": HEAD parameters");
            assertEquals(get.node().path("security"), head.path("security"), get + ": HEAD security");
            JsonNode getResponses = get.node().path("responses");
            JsonNode headResponses = head.path("responses");
            assertEquals(fieldNames(getResponses), fieldNames(headResponses), get + ": HEAD statuses");
            for (String status : fieldNames(getResponses)) {
                JsonNode g = resolve(getResponses.get(status));
                JsonNode h = resolve(headResponses.get(status));
                assertEquals(g.path("headers"), h.path("headers"), get + " " + status + ": HEAD headers");
                assertTrue(h.path("content").isMissingNode(), get + " " + status + ": HEAD has no body");
            }
        }
        assertTrue(heads >= 10, "HEADs are really checked: " + heads);
    }

    @Test
    void everyErrorStatusOfTheContractIsDocumented() {
        Set<String> all = new TreeSet<>();
        operations().forEach(o -> all.addAll(fieldNames(o.node().path("responses"))));
        assertTrue(all.containsAll(Set.of("304", "400", "401", "403", "404", "409", "412", "413", "414", "415", "429", "431", "503")),
                all.toString());
        assertTrue(doc.at("/components/responses/MethodNotAllowed/headers").has("Allow"));
        JsonNode retry = doc.at("/components/responses/Throttled/headers");
        assertTrue(retry.has("Retry-After") && doc.at("/components/responses/Unavailable/headers").has("Retry-After"));
    }

    /** What the server really sends has the fields the schemas name, and no others. */
    @Test
    void realAnswersFitTheSchemas() {
        Http app = server.appA();
        JsonNode collection = app.post("/api/user/doc/collection", "{\"name\":\"documented\"}").json();
        String c = collection.path("meta").path("collection").asText();
        JsonNode entry = app.post("/api/user/doc/collection/" + c + "/entry", "{\"name\":\"e\",\"value\":{\"k\":[1]}}").json();
        JsonNode deleted = app.delete("/api/user/doc/collection/" + c + "/entry/" + entry.path("meta").path("entry").asText()).json();
        JsonNode error = app.get("/api/user/doc/collection/missing").json();

        fits(collection, "Collection");
        fits(collection.path("meta"), "CollectionMeta");
        fits(entry, "Entry");
        fits(entry.path("meta"), "EntryMeta");
        fits(deleted.path("meta"), "EntryMeta");
        fits(error, "Error");
        List<String> codes = new ArrayList<>();
        doc.at("/components/schemas/Error/properties/error/enum").forEach(n -> codes.add(n.asText()));
        assertTrue(codes.contains(error.path("error").asText()));
        fits(server.http().get("/health").json(), "Status");
        fits(app.get("/api/whoami").json(), "WhoAmI");
    }

    private static void fits(JsonNode value, String schemaName) {
        JsonNode schema = doc.at("/components/schemas/" + schemaName);
        Set<String> known = fieldNames(schema.path("properties"));
        Set<String> present = fieldNames(value);
        assertTrue(known.containsAll(present), schemaName + " documents every field sent: " + present + " vs " + known);
        schema.path("required").forEach(r -> assertTrue(value.has(r.asText()), schemaName + " requires " + r + ": " + value));
    }

    private record Operation(String path, String method, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private static List<Operation> operations() {
        List<Operation> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    all.add(new Operation(path.getKey(), method, path.getValue().get(method)));
                }
            }
        }
        if (all.isEmpty()) {
            fail("no operations in " + doc);
        }
        return all;
    }

    private static List<JsonNode> parameters(Operation o) {
        List<JsonNode> ps = new ArrayList<>();
        o.node().path("parameters").forEach(p -> ps.add(resolve(p)));
        doc.path("paths").path(o.path()).path("parameters").forEach(p -> ps.add(resolve(p)));
        return ps;
    }

    private static Set<String> names(Operation o) {
        Set<String> names = new HashSet<>();
        parameters(o).forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    private static JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = doc.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
        visit.accept(node);
        node.forEach(child -> walk(child, visit));
    }
}
