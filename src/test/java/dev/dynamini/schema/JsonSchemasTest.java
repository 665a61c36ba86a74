package dev.dynamini.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiling schemas and checking values with the networknt validator, as the server configures it. */
class JsonSchemasTest {
    private static List<Problem> check(String schema, String value) {
        return JsonSchemas.compile(schema).problems(value);
    }

    private static InvalidSchemaException invalid(String schema) {
        return assertThrows(InvalidSchemaException.class, () -> JsonSchemas.compile(schema));
    }

    @Test
    void problemsNameTheirPlaceInTheValueAsAJsonPointer() {
        List<Problem> problems = check("{\"type\":\"object\",\"required\":[\"title\"],"
                + "\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":0},\"a b/c~d\":{\"type\":\"string\"},\"list\":{\"items\":{\"type\":\"string\"}}}}",
                "{\"n\":-1.5,\"a b/c~d\":1,\"list\":[\"x\",2]}");
        assertTrue(problems.contains(new Problem("/n", "type", "number found, integer expected")), problems.toString());
        assertTrue(problems.contains(new Problem("/n", "minimum", "must have a minimum value of 0")), problems.toString());
        assertTrue(problems.contains(new Problem("", "required", "required property 'title' not found")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.path().equals("/a b~1c~0d") && p.keyword().equals("type")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.path().equals("/list/1") && p.keyword().equals("type")), problems.toString());
        assertEquals(List.of(), check("{\"type\":\"object\",\"required\":[\"title\"]}", "{\"title\":\"t\"}"));
    }

    @Test
    void numbersAreComparedExactly() {
        assertEquals(List.of(), check("{\"multipleOf\":0.01}", "19.99"));
        assertEquals(1, check("{\"maximum\":12345678901234567890}", "12345678901234567891").size());
        assertEquals(List.of(), check("{\"maximum\":12345678901234567890}", "12345678901234567890"));
        assertEquals(List.of(), check("{\"type\":\"integer\"}", "1.0"));
        assertEquals(1, check("{\"type\":\"integer\"}", "1.5").size());
    }

    @Test
    void booleanSchemasAndOtherDraftsAreSchemas() {
        assertEquals(List.of(), check("true", "{\"any\":1}"));
        assertEquals(1, check("false", "1").size());
        assertEquals(1, check("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"string\"}", "1").size());
        assertEquals(1, check("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"string\"}", "1").size());
        // format is an annotation in 2020-12, as the draft says
        assertEquals(List.of(), check("{\"format\":\"email\"}", "\"not an email\""));
    }

    @Test
    void aSchemaThatBreaksItsMetaSchemaIsInvalidSayingWhere() {
        InvalidSchemaException e = invalid("{\"properties\":{\"n\":{\"type\":5}},\"required\":\"a\"}");
        assertTrue(e.getMessage().startsWith("the schema is not a valid JSON Schema: "), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.path().equals("/properties/n/type")), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.path().equals("/required")), e.problems().toString());
        assertTrue(invalid("[]").getMessage().contains("a JSON object or a boolean"));
        assertTrue(invalid("5").getMessage().contains("a JSON object or a boolean"));
        assertTrue(invalid("{\"$schema\":\"https://example.com/my-dialect\"}").getMessage().contains("\"$schema\" must name a JSON Schema draft"));
        assertTrue(invalid("{\"$schema\":5}").getMessage().contains("\"$schema\" must name"));
        assertTrue(invalid("{\"pattern\":\"[\"}").getMessage().contains("the regular expression \"[\" is not valid"));
        assertTrue(invalid("{\"$ref\":\"#/$defs/missing\"}").getMessage().contains("cannot be resolved"));
    }

    @Test
    void nothingIsLoadedButTheSchemasOwnPartsAndTheMetaSchemas() {
        for (String ref : List.of("https://example.com/s.json", "http://127.0.0.1:1/s.json", "file:///etc/passwd", "classpath:openapi.json",
                "resource:/openapi.json", "https://json-schema.org/openapi.json", "urn:other")) {
            InvalidSchemaException e = invalid("{\"$ref\":\"" + ref + "\"}");
            assertTrue(e.getMessage().contains("nothing else is loaded") || e.getMessage().contains("cannot"), ref + ": " + e.getMessage());
        }
        // its own parts, also by its own $id, and the meta-schema of its draft
        assertEquals(1, check("{\"$id\":\"https://example.com/root\",\"$defs\":{\"a\":{\"type\":\"string\"}},\"$ref\":\"https://example.com/root#/$defs/a\"}", "1").size());
        assertEquals(1, check("{\"$defs\":{\"a\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/a\"}", "1").size());
        assertEquals(List.of(), check("{\"$ref\":\"https://json-schema.org/draft/2020-12/schema\"}", "{\"type\":\"string\"}"));
        // one schema's $id is not another's to refer to
        JsonSchemas.compile("{\"$id\":\"https://example.com/shared\",\"type\":\"string\"}");
        invalid("{\"$ref\":\"https://example.com/shared\"}");
    }

    @Test
    void endlessSchemasAndSlowPatternsEndInAProblem() {
        assertEquals(1, check("{\"$ref\":\"#\"}", "1").size());
        long start = System.nanoTime();
        List<Problem> slow = check("{\"pattern\":\"^(\\\\w+\\\\s?)*$\"}", "\"" + "a".repeat(20000) + "!\"");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, slow.size(), slow.toString());
        assertEquals("pattern", slow.get(0).keyword());
        assertTrue(slow.get(0).message().contains("took longer than"), slow.get(0).message());
        assertTrue(millis < 5000, "bounded: " + millis + " ms");
        // the same pattern on a short value is answered
        assertEquals(List.of(), check("{\"pattern\":\"^(\\\\w+\\\\s?)*$\"}", "\"two words\""));
    }

    @Test
    void atMostAHundredProblemsAreReported() {
        StringBuilder value = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            value.append(i == 0 ? "" : ",").append(i);
        }
        assertEquals(JsonSchemas.MAX_PROBLEMS, check("{\"items\":{\"type\":\"string\"}}", value.append(']').toString()).size());
    }
}
