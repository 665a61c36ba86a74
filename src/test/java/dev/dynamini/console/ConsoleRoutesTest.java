package dev.dynamini.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's files come from the jar, without a key, each under the strict Content-Security-Policy. */
class ConsoleRoutesTest extends ServerPerClass {
    private static final Map<String, String> TYPES = Map.of(
            "/console", "text/html",
            "/console/console.js", "text/javascript",
            "/console/console.css", "text/css");

    @Test
    void servesThePageAndItsFilesWithoutAKey() {
        TYPES.forEach((path, type) -> {
            Response r = server.http().get(path);
            assertEquals(200, r.status(), path);
            assertTrue(r.header("Content-Type").startsWith(type + ";"), path + ": " + r.header("Content-Type"));
            assertEquals(ConsoleRoutes.CONTENT_SECURITY_POLICY, r.header("Content-Security-Policy"), path);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), path);
            assertTrue(!r.body().isEmpty(), path);
        });
        assertTrue(server.http().get("/console").body().contains("<script src=\"/console/console.js\""));
    }

    @Test
    void thePolicyAllowsOnlyTheServersOwnFiles() {
        String csp = ConsoleRoutes.CONTENT_SECURITY_POLICY;
        assertTrue(csp.startsWith("default-src 'self';"), csp);
        assertTrue(!csp.contains("unsafe") && !csp.contains("http"), "no inline code and no other origin: " + csp);
        String page = server.http().get("/console").body();
        assertTrue(!page.contains("<style") && !page.contains("style=") && !page.matches("(?s).*\\son[a-z]+=.*"),
                "nothing inline that the policy would block");
    }

    @Test
    void anUnknownFileIsAJson404() {
        Response r = server.http().get("/console/secrets.txt");
        assertEquals(404, r.status());
        assertEquals("not_found", r.json().path("error").asText());
    }

    @Test
    void headAnswersLikeGet() {
        Response head = server.http().send("HEAD", "/console/console.js", null);
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(ConsoleRoutes.CONTENT_SECURITY_POLICY, head.header("Content-Security-Policy"));
    }
}
