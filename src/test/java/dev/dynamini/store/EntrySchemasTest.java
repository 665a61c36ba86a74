package dev.dynamini.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The entries' schema rule: which writes it checks, and its bounded cache of compiled schemas. */
class EntrySchemasTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    private static Item collection(String id, long version, String schema, boolean deleted) {
        return new Item(Scope.collectionsOf("app", "ann").item(id), version, new Content(id, null, schema), NOW, NOW, deleted ? NOW : null);
    }

    @Test
    void valuesAreCheckedAndEntriesWithoutAValueAreNot() {
        EntrySchemas schemas = new EntrySchemas();
        EntrySchemas.Check check = schemas.checkFor(Optional.of(collection("c", 2, "{\"type\":\"object\",\"required\":[\"n\"]}", false)));
        Content fine = new Content("e", "{\"n\":1}");
        assertSame(fine, check.check(fine));
        Content nameOnly = new Content("e", null);
        assertSame(nameOnly, check.check(nameOnly));
        SchemaViolationException e = assertThrows(SchemaViolationException.class, () -> check.check(new Content("e", "[1]")));
        assertTrue(e.getMessage().startsWith("the value does not match the schema of collection c (version 2): "), e.getMessage());
        assertTrue(e.problems().size() >= 1, e.problems().toString());
    }

    @Test
    void noCollectionADeletedOneOrOneWithoutASchemaChecksNothing() {
        EntrySchemas schemas = new EntrySchemas();
        Content anything = new Content(null, "\"anything\"");
        assertSame(EntrySchemas.Check.NONE, schemas.checkFor(Optional.empty()));
        assertSame(EntrySchemas.Check.NONE, schemas.checkFor(Optional.of(collection("c", 1, null, false))));
        assertSame(EntrySchemas.Check.NONE, schemas.checkFor(Optional.of(collection("c", 3, "false", true))));
        assertSame(anything, schemas.checkFor(Optional.of(collection("c", 2, "true", false))).check(anything));
        assertEquals(1, schemas.cached());
    }

    @Test
    void compiledSchemasAreCachedByCollectionAndVersionWithinBounds() {
        EntrySchemas schemas = new EntrySchemas(3, 1 << 20);
        for (int i = 0; i < 5; i++) {
            schemas.checkFor(Optional.of(collection("c" + i, 1, "{\"type\":\"object\"}", false)));
            schemas.checkFor(Optional.of(collection("c" + i, 1, "{\"type\":\"object\"}", false)));
        }
        assertEquals(3, schemas.cached());
        // bounded by the schemas' text as well: one schema larger than the bound stays alone
        EntrySchemas small = new EntrySchemas(100, 40);
        small.checkFor(Optional.of(collection("a", 1, "{\"type\":\"object\"}", false)));
        small.checkFor(Optional.of(collection("b", 1, "{\"type\":\"object\"}", false)));
        assertEquals(2, small.cached());
        small.checkFor(Optional.of(collection("c", 1, "{\"type\":\"object\",\"description\":\"a longer schema than forty chars\"}", false)));
        assertEquals(1, small.cached());
    }

    @Test
    void entriesHaveNoSchemaAndCollectionsOnlyValidOnes() {
        assertThrows(InvalidInputException.class, () -> ContentRules.validated(Kind.ENTRY, new Content("e", null, "{}")));
        assertThrows(InvalidInputException.class, () -> ContentRules.fitting(Kind.ENTRY,
                new ContentPatch(Optional.empty(), Optional.empty(), false, Optional.empty(), true)));
        assertThrows(dev.dynamini.schema.InvalidSchemaException.class, () -> ContentRules.validated(Kind.COLLECTION, new Content("c", null, "{\"type\":1}")));
        ContentRules.validated(Kind.COLLECTION, new Content("c", null, "{\"type\":\"object\"}"));
    }
}
