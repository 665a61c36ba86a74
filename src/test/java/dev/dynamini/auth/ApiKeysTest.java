package dev.dynamini.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import dev.dynamini.limits.Rate;
import dev.dynamini.store.Retention;
import dev.dynamini.store.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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

    @Test
    void anApplicationMayHaveRetentionWithRulesByCollectionName() {
        ApiKeys keys = ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"k1-secret\",\"retention\":"
                + "{\"versions\":10,\"days\":30,\"collections\":{\"audit\":{\"versions\":100},\"scratch\":{\"days\":1},\"keep\":{}}}},"
                + "{\"application\":\"a\",\"key\":\"k2-secret\",\"access\":\"read\",\"retention\":"
                + "{\"collections\":{\"keep\":{},\"scratch\":{\"days\":1.0},\"audit\":{\"versions\":100}},\"days\":30,\"versions\":10}},"
                + "{\"application\":\"b\",\"key\":\"k3-secret\",\"retention\":{\"versions\":1}},"
                + "{\"application\":\"c\",\"key\":\"k4-secret\",\"retention\":null},"
                + "{\"application\":\"d\",\"key\":\"k5-secret\",\"retention\":{}}]");
        RetentionPolicy a = keys.retention().get("a");
        assertEquals(new Retention(OptionalLong.of(10), OptionalLong.of(30)), a.defaults());
        assertEquals(new Retention(OptionalLong.of(100), OptionalLong.empty()), a.forEntriesOf("audit"), "a collection's rule replaces the application's whole");
        assertEquals(new Retention(OptionalLong.empty(), OptionalLong.of(1)), a.forEntriesOf("scratch"));
        assertEquals(Retention.KEEP_ALL, a.forEntriesOf("keep"), "{} exempts a collection");
        assertEquals(a.defaults(), a.forEntriesOf("other"));
        assertFalse(a.keepsAll());
        assertEquals(new RetentionPolicy(new Retention(OptionalLong.of(1), OptionalLong.empty()), Map.of()), keys.retention().get("b"));
        assertFalse(keys.retention().containsKey("c"), "null: no retention");
        assertTrue(keys.retention().get("d").keepsAll(), "{}: every version kept");
        assertEquals("keeps the last 10 versions or versions replaced less than 30 days ago; entries of collections named 'audit': "
                + "the last 100 versions; entries of collections named 'keep': every version; entries of collections named 'scratch': "
                + "versions replaced less than 1 day ago", a.describe());
        assertTrue(ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"k1-secret\"}]").retention().isEmpty());
    }

    @Test
    void aBadRetentionStopsStartUpNamingTheEntryNeverTheKey() {
        for (String retention : new String[] {"10", "\"30d\"", "[]", "{\"versions\":0}", "{\"versions\":-1}", "{\"versions\":2.5}",
                "{\"versions\":\"10\"}", "{\"versions\":1000000001}", "{\"days\":0}", "{\"days\":0.5}", "{\"days\":36501}",
                "{\"days\":1e400}", "{\"version\":10}", "{\"versions\":10,\"hours\":5}", "{\"collections\":[]}",
                "{\"collections\":{\"audit\":5}}", "{\"collections\":{\"audit\":{\"versions\":0}}}",
                "{\"collections\":{\"audit\":{\"collections\":{}}}}", "{\"collections\":{\"\":{\"versions\":1}}}",
                "{\"collections\":{\"" + "n".repeat(1001) + "\":{\"versions\":1}}}"}) {
            String json = "[{\"application\":\"a\",\"key\":\"fine-key-1\"},{\"application\":\"b\",\"key\":\"supersecretkey1\",\"retention\":"
                    + retention + "}]";
            ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS_FILE", json), retention);
            assertTrue(e.getMessage().startsWith("API_KEYS_FILE: entry 1: ") && e.getMessage().contains("retention"), e.getMessage());
            assertFalse(e.getMessage().contains("supersecret"), "the start-up error quoted the key: " + e.getMessage());
        }
    }

    @Test
    void anApplicationMayKeepAChangeFeedOnAllItsKeysAlike() {
        ApiKeys keys = ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"k1-secret\",\"feed\":true},"
                + "{\"application\":\"a\",\"key\":\"k2-secret\",\"feed\":true,\"access\":\"read\"},"
                + "{\"application\":\"b\",\"key\":\"k3-secret\",\"feed\":false},{\"application\":\"c\",\"key\":\"k4-secret\"}]");
        assertEquals(java.util.Set.of("a"), keys.feedApplications());
        assertEquals(java.util.Set.of(), keys.asOfIndexApplications());
        assertEquals(java.util.Set.of("b"), ApiKeys.parse("API_KEYS",
                "[{\"application\":\"b\",\"key\":\"k3-secret\",\"asOfIndex\":true}]").asOfIndexApplications());
        assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS",
                "[{\"application\":\"b\",\"key\":\"k3-secret\",\"asOfIndex\":1}]"));
        ConfigException notBoolean = assertThrows(ConfigException.class,
                () -> ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"k1-secret\",\"feed\":\"yes\"}]"));
        assertTrue(notBoolean.getMessage().contains("entry 0") && notBoolean.getMessage().contains("\"feed\""), notBoolean.getMessage());
        ConfigException differs = assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS",
                "[{\"application\":\"a\",\"key\":\"k1-secret\",\"feed\":true},{\"application\":\"a\",\"key\":\"k2-secret\"}]"));
        assertTrue(differs.getMessage().contains("entry 1") && !differs.getMessage().contains("k2-secret"), differs.getMessage());
    }

    @Test
    void theKeysOfOneApplicationMustCarryTheSameRetention() {
        for (String second : new String[] {"\"retention\":{\"versions\":11}", "\"retention\":{\"versions\":10,\"days\":1}", "\"retention\":null",
                "\"access\":\"read\"", "\"retention\":{\"versions\":10,\"collections\":{\"audit\":{}}}"}) {
            String json = "[{\"application\":\"a\",\"key\":\"first-key-1\",\"retention\":{\"versions\":10}},"
                    + "{\"application\":\"b\",\"key\":\"other-key-1\"},"
                    + "{\"application\":\"a\",\"key\":\"supersecretkey1\"," + second + "}]";
            ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("API_KEYS", json), second);
            assertTrue(e.getMessage().startsWith("API_KEYS: entry 2: ") && e.getMessage().contains("entry 0")
                    && e.getMessage().contains("same \"retention\""), e.getMessage());
            assertFalse(e.getMessage().contains("supersecret"), e.getMessage());
        }
        // the same rules written differently agree
        ApiKeys keys = ApiKeys.parse("API_KEYS", "[{\"application\":\"a\",\"key\":\"first-key-1\",\"retention\":{\"versions\":10,\"days\":2}},"
                + "{\"application\":\"a\",\"key\":\"second-key-1\",\"retention\":{\"days\":2.0,\"versions\":10,\"collections\":{}}}]");
        assertEquals(new Retention(OptionalLong.of(10), OptionalLong.of(2)), keys.retention().get("a").defaults());
    }
}
