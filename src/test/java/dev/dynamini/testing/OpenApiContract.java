package dev.dynamini.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.atlassian.oai.validator.util.OpenApiLoader;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a response the tests received against the OpenAPI document the server serves
 * (src/main/resources/openapi.json, from the classpath): status, headers and body of the
 * operation the method and path name. {@link Http} runs it on every response, so every API test
 * also tests the document; a gap fails the test with the validator's messages.
 *
 * <p>Each response is validated twice. Once as the document says, with JSON Schema's open objects,
 * as a client's validator would read it (this is what shows a {@code oneOf} whose branches
 * overlap). And once with objects closed ({@code additionalProperties: false} wherever a schema
 * does not say otherwise), so that a field the server sends but the document does not name is a
 * gap too.
 *
 * <p>What OpenAPI cannot describe is checked by hand: an unknown path must be a {@code 404} and a
 * method a documented path lacks a {@code 405} with {@code Allow}, and both must carry the
 * document's {@code Error} body; {@code OPTIONS} (a CORS preflight) is a {@code 200} without body
 * on any path. Jetty may also answer before routing, on any path: a request it cannot parse (a
 * bad URI, a request line or headers over the limit) with {@code 400}, {@code 414} or {@code 431},
 * and one on a kept-alive connection while the server stops with {@code 503}.
 */
public final class OpenApiContract {
    /** What Jetty may answer on any path before routing: a bad request, too long, stopping. */
    private static final Set<Integer> BEFORE_ROUTING = Set.of(400, 414, 431, 503);

    private final OpenApiInteractionValidator asDocumented;
    private final OpenApiInteractionValidator closed;
    private final SchemaValidator schemas;
    private final Schema<?> error;

    private OpenApiContract(OpenAPI api) {
        this.asDocumented = OpenApiInteractionValidator.createFor(api)
                .withLevelResolver(LevelResolver.create()
                        .withLevel(SchemaValidator.ADDITIONAL_PROPERTIES_KEY, ValidationReport.Level.IGNORE).build())
                .build();
        // the library's default: objects without additionalProperties get additionalProperties: false
        this.closed = OpenApiInteractionValidator.createFor(api).build();
        this.schemas = new SchemaValidator(api, new MessageResolver(LevelResolver.defaultResolver()));
        this.error = api.getComponents().getSchemas().get("Error");
        if (error == null) {
            throw new IllegalStateException("openapi.json has no components/schemas/Error");
        }
    }

    /** The document, parsed once per JVM (on first use). */
    private static final class Loaded {
        static final OpenApiContract INSTANCE = new OpenApiContract(load());

        private static OpenAPI load() {
            try (InputStream in = OpenApiContract.class.getResourceAsStream("/openapi.json")) {
                if (in == null) {
                    throw new IllegalStateException("openapi.json is not on the test classpath");
                }
                ParseOptions options = new ParseOptions();
                options.setResolve(true);
                options.setResolveFully(true);
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new OpenApiLoader().loadApi(OpenApiInteractionValidator.SpecSource.inline(json), List.of(), options);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Fails (AssertionError) unless the response fits the document. */
    public static void check(String method, String rawPath, Http.Response response) {
        Loaded.INSTANCE.verify(method.toUpperCase(Locale.ROOT), rawPath, response);
    }

    private void verify(String method, String path, Http.Response response) {
        Request.Method documented = methodOf(method);
        ValidationReport report;
        if (documented == null) {
            report = undocumentedRoute(method, "unknown method", response);
        } else if (documented == Request.Method.OPTIONS && response.status() == 200) {
            // a CORS preflight, answered on every path (as the document's description says)
            report = response.body().isEmpty() ? ValidationReport.empty() : failure("a preflight with a body");
        } else if (path.contains("//")) {
            // the validator lets a template parameter match an empty segment; no route of ours does
            report = undocumentedRoute(method, "validation.request.path.missing", response);
        } else {
            SimpleResponse validated = toValidated(response);
            report = asDocumented.validateResponse(path, documented, validated)
                    .merge(closed.validateResponse(path, documented, validated));
            String routing = routingProblem(report);
            if (routing != null) {
                report = undocumentedRoute(method, routing, response);
            }
        }
        if (report.hasErrors()) {
            // both validators often say the same thing: say it once
            Map<String, ValidationReport.Message> distinct = new LinkedHashMap<>();
            report.getMessages().forEach(m -> distinct.putIfAbsent(m.toString(), m));
            report = ValidationReport.from(List.copyOf(distinct.values()));
            throw new AssertionError("the response of " + method + " " + path + " does not match /openapi.json: "
                    + SimpleValidationReportFormat.getInstance().apply(report) + "\n" + response);
        }
    }

    /** A path the document lacks, or a method the path lacks: a 404 or 405 in the Error shape. */
    private ValidationReport undocumentedRoute(String method, String routing, Http.Response response) {
        Set<Integer> expected = switch (routing) {
            case "validation.request.path.missing" -> Set.of(404);
            case "validation.request.operation.notAllowed" -> Set.of(405);
            default -> Set.of(404, 405); // a method no operation can have: the path decides
        };
        int status = response.status();
        if (!expected.contains(status) && !BEFORE_ROUTING.contains(status)) {
            return failure("undocumented route (" + routing + ") answered " + status + ", not " + expected);
        }
        if (status == 405 && response.header("Allow") == null) {
            return failure("a 405 without Allow");
        }
        if (method.equals("HEAD") && response.body().isEmpty()) {
            return ValidationReport.empty();
        }
        String type = response.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return failure("an error with Content-Type " + type + ", not application/json");
        }
        return schemas.validate(response.body(), error, "response.body");
    }

    /** The key of a message saying the route is not in the document, or null. */
    private static String routingProblem(ValidationReport report) {
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getKey().equals("validation.request.path.missing") || m.getKey().equals("validation.request.operation.notAllowed")) {
                return m.getKey();
            }
        }
        return null;
    }

    private static ValidationReport failure(String text) {
        return ValidationReport.singleton(ValidationReport.Message.create("dynamini.route", text).build());
    }

    private static Request.Method methodOf(String method) {
        try {
            return Request.Method.valueOf(method);
        } catch (IllegalArgumentException e) {
            return null; // BREW, CONNECT, ...: no operation can have it
        }
    }

    private static SimpleResponse toValidated(Http.Response response) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(response.status());
        for (Map.Entry<String, List<String>> h : response.headers().entrySet()) {
            if (h.getKey() != null && !h.getKey().startsWith(":")) {
                b.withHeader(h.getKey(), h.getValue());
            }
        }
        if (!response.body().isEmpty()) {
            b.withBody(response.body());
        }
        return b.build();
    }
}
