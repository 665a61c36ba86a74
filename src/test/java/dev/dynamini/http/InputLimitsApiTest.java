package dev.dynamini.http;

import static dev.dynamini.http.ErrorsApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Query parameters have the limits of the same things in a body (docs/api.md, "Limits on every
 * input"), checked before anything reaches DynamoDB: out of them is 400, never a 500, and every
 * parameter is checked whether or not the request uses it.
 */
class InputLimitsApiTest extends ServerPerClass {
    private static String collections;
    private static String entries;

    @BeforeAll
    static void createCollection() {
        collections = "/api/user/limits/collection";
        entries = collections + "/" + CollectionApiTest.create(api, "limits", "limits") + "/entry";
    }

    @Test
    void aNameInTheQueryHasTheLimitsOfANameInABody() {
        String longest = "n".repeat(RequestBody.MAX_NAME_BYTES);
        assertEquals(201, api.post(entries, "{\"name\":\"" + longest + "\"}").status());
        Response found = api.get(entries + "?name=" + longest);
        assertEquals(200, found.status(), found.toString());
        assertEquals(1, found.json().size());

        String oneTooMany = "\u00e9".repeat(RequestBody.MAX_NAME_BYTES / 2 + 1); // 1002 bytes of UTF-8, 501 characters
        assertError(api.post(entries, "{\"name\":\"" + oneTooMany + "\"}"), 400, "bad_request");
        for (String path : List.of(entries, collections, "/api/collection")) {
            for (String name : List.of(oneTooMany, longest + "n", "x".repeat(2000), "x".repeat(6000))) {
                Response r = api.get(path + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
                assertEquals(400, r.status(), path + "?name= of " + name.length() + " characters: " + r.status());
                assertError(r, 400, "bad_request");
            }
            assertError(api.get(path + "?name="), 400, "bad_request");
        }
    }

    @Test
    void cursorLimitAndOrderAreCheckedOnEveryListEvenWhenUnused() {
        String tooLong = "A".repeat(513) + ".AAAA";
        for (String path : List.of(entries, collections, "/api/collection")) {
            for (String query : List.of("?cursor=" + tooLong, "?limit=0", "?limit=1001", "?limit=1e3", "?limit=-1", "?limit=",
                    "?name=x&limit=abc", "?name=x&cursor=" + tooLong)) {
                Response r = api.get(path + query);
                assertEquals(400, r.status(), path + query.substring(0, Math.min(query.length(), 40)) + ": " + r);
                assertError(r, 400, "bad_request");
            }
            assertEquals(200, api.get(path + "?limit=1000").status());
            assertEquals(200, api.get(path + "?filter=unknown-means-latest").status());
        }
        String versions = entries + "/" + EntryApiTest.createEntry(api, entries, "{\"name\":\"v\"}") + "/versions";
        for (String query : List.of("?order=up", "?cursor=" + tooLong, "?limit=1001")) {
            assertError(api.get(versions + query), 400, "bad_request");
        }
    }
}
