package dev.dynamini.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import dev.dynamini.limits.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @Test
    void keysMapToApplicationsWithTheirAccess() {
        ApiKeys keys = ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"k1-secret\"},"
                + "{\"application\":\"a\",\"key\":\"k2-secret\",\"access\":\"read\"}]");
        assertEquals(Optional.of(new Caller("a", Access.READ_WRITE, 0, Optional.empty())), keys.authenticate("k1-secret"));
        assertEquals(Optional.of(new Caller("a", Access.READ, 1, Optional.empty())), keys.authenticate("k2-secret"));
        assertEquals(Optional.empty(), keys.authenticate("k1-secreT"));
        assertEquals(Optional.empty(), keys.authenticate(""));
        assertEquals(Optional.empty(), keys.authenticate(null));
    }

    @Test
    void badKeyFilesStopStartUpNamingTheVariable() {
        for (String json : new String[] {"not json", "{}", "[]", "[{\"application\":\"a\"}]",
                "[{\"application\":\"a#b\",\"key\":\"longenough\"}]", "[{\"application\":\"a\\u0001b\",\"key\":\"longenough\"}]",
                "[{\"application\":\"" + "a".repeat(129) + "\",\"key\":\"longenough\"}]", "[{\"application\":\"a\",\"key\":\"\"}]",
                "[{\"application\":\"a\",\"key\":\"longenough\"},{\"application\":\"b\",\"key\":\"longenough\"}]",
                "[{\"application\":\"a\",\"key\":\"longenough\",\"access\":\"admin\"}]"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS", json), json);
            assertTrue(e.getMessage().startsWith("API_KEYS: "), e.getMessage());
        }
    }

    @Test
    void aKeyMayCarryARate() {
        ApiKeys keys = ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"k1-secret\",\"rate\":{\"perSecond\":20,\"burst\":40}},"
                + "{\"application\":\"a\",\"key\":\"k2-secret\",\"rate\":{\"perSecond\":0.5}},"
                + "{\"application\":\"a\",\"key\":\"k3-secret\",\"rate\":null},"
                + "{\"application\":\"b\",\"key\":\"k4-secret\",\"rate\":{\"perSecond\":1.0,\"burst\":3.0}}]");
        assertEquals(Optional.of(new Rate(20, 40)), keys.authenticate("k1-secret").orElseThrow().rate());
        assertEquals(Optional.of(new Rate(0.5, 1)), keys.authenticate("k2-secret").orElseThrow().rate(), "burst: one second's worth, at least 1");
        assertEquals(Optional.empty(), keys.authenticate("k3-secret").orElseThrow().rate(), "none of its own: the default applies");
        assertEquals(Optional.of(new Rate(1, 3)), keys.authenticate("k4-secret").orElseThrow().rate());
        // every key is told apart by its place in the list, whatever its application or rate
        assertEquals(List.of(0, 1, 2, 3), List.of("k1-secret", "k2-secret", "k3-secret", "k4-secret").stream()
                .map(k -> keys.authenticate(k).orElseThrow().keyId()).toList());
    }

    @Test
    void aBadRateStopsStartUpNamingTheEntryNeverTheKey() {
        for (String rate : new String[] {"20", "\"fast\"", "[]", "{}", "{\"burst\":5}", "{\"perSecond\":\"20\"}", "{\"perSecond\":0}", "{\"perSecond\":1e-300}",
                "{\"perSecond\":-1}", "{\"perSecond\":1e12}", "{\"perSecond\":5,\"burst\":0}", "{\"perSecond\":5,\"burst\":2.5}",
                "{\"perSecond\":5,\"burst\":\"10\"}", "{\"perSecond\":5,\"burst\":99999999999999999999999}",
                "{\"perSecond\":5,\"perMinute\":100}"}) {
            String json = "[{\"application\":\"a\",\"key\":\"fine-key-1\"},{\"application\":\"a\",\"key\":\"supersecretkey1\",\"rate\":" + rate + "}]";
            ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS", json), rate);
            assertTrue(e.getMessage().startsWith("API_KEYS: entry 1: ") && e.getMessage().contains("rate"), e.getMessage());
            assertFalse(e.getMessage().contains("supersecret"), "the start-up error quoted the key: " + e.getMessage());
        }
    }

    @Test
    void whatDynamodbMiniAcceptedStartsWithAWarning() {
        ApiKeys keys = ApiKeys.parse("API_KEYS", "[{\"application\":\"My App\",\"key\":\"tiny1\"}]");
        assertEquals("My App", keys.authenticate("tiny1").orElseThrow().application());
        assertEquals(2, keys.warnings().size(), keys.warnings().toString());
        assertTrue(keys.warnings().get(0).contains("'My App' has characters outside"), keys.warnings().toString());
        assertTrue(keys.warnings().get(1).contains("shorter than 8 characters"), keys.warnings().toString());
        assertFalse(String.join(" ", keys.warnings()).contains("tiny1"), "a warning never shows the key");
        assertTrue(ApiKeys.parse("API_KEYS", "[{\"application\":\"app\",\"key\":\"long-enough-key\"}]").warnings().isEmpty());
    }

    @Test
    void aMalformedKeyListNeverEchoesAKey() {
        // the key is a bare token, so Jackson's own message would quote it
        for (String json : new String[] {"[{\"application\":\"a\",\"key\":supersecretkey1}]", "supersecretkey1",
                "[{\"application\":\"a\",\"key\":\"supersecretkey1"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS", json), "a malformed list");
            assertTrue(e.getMessage().startsWith("API_KEYS: not valid JSON"), e.getMessage());
            assertFalse(e.getMessage().contains("supersecret"), "the start-up error quoted the key: " + e.getMessage());
        }
    }

    @Test
    void inlineKeysWinOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "[{\"application\":\"from-file\",\"key\":\"file-key-1\"}]");
        Config fileOnly = Config.from(Map.of("API_KEYS_FILE", file.toString()));
        assertEquals("from-file", ApiKeys.load(fileOnly).authenticate("file-key-1").orElseThrow().application());
        Config both = Config.from(Map.of("API_KEYS_FILE", file.toString(), "API_KEYS", "[{\"application\":\"inline\",\"key\":\"inline-key\"}]"));
        assertEquals(Optional.empty(), ApiKeys.load(both).authenticate("file-key-1"));
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ApiKeys.load(Config.from(Map.of("API_KEYS_FILE", dir.resolve("absent.json").toString()))));
        assertTrue(missing.getMessage().startsWith("API_KEYS_FILE: "));
    }
}
