package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Cursors are signed with a per-deployment secret: a cursor made without it is refused, instances
 * sharing CURSOR_SECRET accept each other's cursors, and a changed secret refuses old cursors.
 */
class CursorSecretApiTest {
    private static final String LIST = "/api/user/u/collection";

    @Test
    void cursorsAreSignedWithTheDeploymentsSecret() throws Exception {
        Map<String, String> tables = TestServer.freshTables();
        Map<String, String> secretOne = with(tables, "CURSOR_SECRET", "first-secret-0123456789");
        String cursor;
        String second;
        try (TestServer one = TestServer.start(secretOne)) {
            Http api = one.appA();
            for (String name : new String[] {"a", "b", "c"}) {
                assertEquals(201, api.post(LIST, "{\"name\":\"" + name + "\"}").status());
            }
            Response page = api.get(LIST + "?limit=1");
            cursor = page.header("X-Next-Cursor");
            assertNotNull(cursor);
            second = api.get(LIST + "?limit=1&cursor=" + encode(cursor)).json().get(0).path("meta").path("collection").asText();

            // the same position, signed as a cursor was before secrets: with a key anyone can read in the source
            String payload = new String(Base64.getUrlDecoder().decode(cursor.substring(0, cursor.indexOf('.'))), StandardCharsets.UTF_8);
            String forged = forge("dynamini cursor v1", "COLLECTION|app-a|u|null|LATEST", payload);
            Response refused = api.get(LIST + "?limit=1&cursor=" + encode(forged));
            assertEquals(400, refused.status(), refused.toString());
            assertEquals("bad_request", refused.json().path("error").asText());
        }
        try (TestServer sameSecret = TestServer.start(secretOne)) {
            Response page = sameSecret.appA().get(LIST + "?limit=1&cursor=" + encode(cursor));
            assertEquals(200, page.status(), "another instance with the same secret resumes the listing: " + page);
            assertEquals(second, page.json().get(0).path("meta").path("collection").asText());
        }
        try (TestServer otherSecret = TestServer.start(with(tables, "CURSOR_SECRET", "second-secret-0123456789"))) {
            assertEquals(400, otherSecret.appA().get(LIST + "?limit=1&cursor=" + encode(cursor)).status(), "a changed secret refuses old cursors");
        }
        try (TestServer derived = TestServer.start(tables)) {
            Http api = derived.appA();
            String own = api.get(LIST + "?limit=1").header("X-Next-Cursor");
            assertEquals(200, api.get(LIST + "?limit=1&cursor=" + encode(own)).status(), "without CURSOR_SECRET one is derived from the keys");
            assertEquals(400, api.get(LIST + "?limit=1&cursor=" + encode(cursor)).status());
        }
    }

    private static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> env = new HashMap<>(base);
        env.put(name, value);
        return env;
    }

    private static String forge(String key, String listing, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] full = mac.doFinal((listing + "\n" + payload).getBytes(StandardCharsets.UTF_8));
        byte[] truncated = java.util.Arrays.copyOf(full, 12);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(truncated);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
