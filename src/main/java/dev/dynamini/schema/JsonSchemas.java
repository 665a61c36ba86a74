package dev.dynamini.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON Schema, as the networknt validator implements it: a schema text checked and compiled, and
 * values checked against it. Draft 2020-12 unless the schema's {@code $schema} names another draft
 * the validator knows (2019-09, 7, 6, 4).
 *
 * <p>Nothing is fetched: a schema may {@code $ref} its own parts and the drafts' meta-schemas
 * (which the validator carries), and nothing else. A {@code $ref} to any other IRI, on the network,
 * a file or the class path, makes the schema invalid; so no schema can make the server open a
 * connection or read a file, and one application's schema can never reach another's.
 *
 * <p>The library brings Jackson 3 ({@code tools.jackson}), beside the Jackson 2 of the rest of the
 * server: stored JSON text is read into its trees here and nowhere else.
 */
public final class JsonSchemas {
    public static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    /** The dialects a {@code $schema} may name (with or without an empty fragment). */
    private static final Set<String> DIALECTS = Set.of(DRAFT_2020_12, "https://json-schema.org/draft/2019-09/schema",
            "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema", "http://json-schema.org/draft-04/schema");
    /** The only IRIs the validator may load: the drafts' meta-schemas and vocabularies, from its own jar. */
    private static final Pattern META_SCHEMAS = Pattern.compile(
            "https?://json-schema\\.org/(draft/(2020-12|2019-09)/(schema|meta/[a-z-]+)|draft-0[467]/schema)#?");
    /** Most problems one check reports. */
    static final int MAX_PROBLEMS = 100;
    /** Time the regular expressions of one check may take in all (see {@link BoundedRegularExpressions}). */
    static final long CHECK_MILLIS = 500;

    /**
     * Numbers as BigDecimal, so that {@code multipleOf: 0.01} and 12345678901234567890 are exact;
     * nesting as deep as a body may be (Jackson 2's 1000 levels, which Jackson 3 lowered to 500).
     */
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2000).build()).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialectId(DRAFT_2020_12, registry -> registry
            .schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .pathType(PathType.JSON_POINTER)
                    .regularExpressionFactory(BoundedRegularExpressions.INSTANCE)
                    .build())
            // the library fetches nothing remote by default; this also keeps it off the class path
            .schemaLoader(loader -> loader.fetchRemoteResources(false).allow(iri -> META_SCHEMAS.matcher(iri.toString()).matches()))
            .nodeReader(reader -> reader.jsonMapper(JSON)));

    private JsonSchemas() {
    }

    /**
     * The schema, checked against the meta-schema of its draft and compiled with every
     * {@code $ref} resolved.
     *
     * @param schemaJson JSON text (as stored: well-formed)
     * @throws InvalidSchemaException saying what is wrong, and where in the schema
     */
    public static CompiledSchema compile(String schemaJson) {
        JsonNode node = read(schemaJson);
        if (!node.isObject() && !node.isBoolean()) {
            throw invalid("a schema is a JSON object or a boolean, not " + describe(node), List.of());
        }
        String dialect = DRAFT_2020_12;
        JsonNode declared = node.get("$schema");
        if (declared != null) {
            String iri = declared.isString() ? declared.asString() : "";
            String plain = iri.endsWith("#") ? iri.substring(0, iri.length() - 1) : iri;
            if (!DIALECTS.contains(plain)) {
                throw invalid("\"$schema\" must name a JSON Schema draft: " + DRAFT_2020_12 + " (the default), or 2019-09, draft-07, -06 or -04",
                        List.of(new Problem("/$schema", "$schema", "unknown dialect " + declared)));
            }
            dialect = iri;
        }
        Schema metaSchema = REGISTRY.getSchema(SchemaLocation.of(dialect));
        List<Problem> problems = problemsOf(run(() -> metaSchema.validate(node)));
        if (!problems.isEmpty()) {
            Problem first = problems.get(0);
            throw invalid("the schema is not a valid JSON Schema: " + first.message() + where(first), problems);
        }
        try {
            Schema schema = REGISTRY.getSchema(node);
            // every $ref resolved now (the library would otherwise wait for a value that needs it)
            schema.initializeValidators();
            return new CompiledSchema(schema, schemaJson.length());
        } catch (StackOverflowError e) {
            throw invalid("the schema nests or refers to itself too deeply", List.of());
        } catch (RuntimeException e) {
            String message = unusable(e);
            throw invalid("the schema cannot be used: " + message, List.of(new Problem("", "", message)));
        }
    }

    /** Why the library could not compile a schema that its meta-schema accepts. */
    private static String unusable(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PatternSyntaxException bad) {
                // the library's own text spans lines, with a caret under the error
                return "the regular expression \"" + bad.getPattern() + "\" is not valid: " + bad.getDescription()
                        + (bad.getIndex() >= 0 ? " at index " + bad.getIndex() : "");
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("is not allowed to be loaded")) {
            return message + " A schema may refer to its own parts (\"#/$defs/...\") and to the JSON Schema meta-schemas;"
                    + " nothing else is loaded, from the network or elsewhere.";
        }
        return message;
    }

    /** One stored JSON text (a value or a schema) as a tree of the validator's Jackson. */
    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalStateException("stored JSON that cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** A check, its regular expressions bounded in time, {@link BoundedRegularExpressions.TooSlowException} if they run out. */
    static List<Error> run(Supplier<List<Error>> check) {
        return BoundedRegularExpressions.within(CHECK_MILLIS, check);
    }

    static List<Problem> problemsOf(List<Error> errors) {
        List<Problem> problems = new ArrayList<>(Math.min(errors.size(), MAX_PROBLEMS));
        for (Error error : errors) {
            if (problems.size() == MAX_PROBLEMS) {
                break;
            }
            String at = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
            problems.add(new Problem(at, error.getKeyword() == null ? "" : error.getKeyword(), error.getMessage()));
        }
        return problems;
    }

    /** " (at /a/b)", or nothing for the whole document. */
    static String where(Problem problem) {
        return problem.path().isEmpty() ? "" : " (at " + problem.path() + ")";
    }

    private static String describe(JsonNode node) {
        return node.isNull() ? "null" : node.isString() ? "a string" : node.isNumber() ? "a number" : node.isArray() ? "an array" : "that";
    }

    private static InvalidSchemaException invalid(String message, List<Problem> problems) {
        return new InvalidSchemaException(message, problems);
    }
}
