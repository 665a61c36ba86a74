package dev.dynamini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.limits.Rate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files operators copy from: api-keys.example.json and env/example.env must load as they are,
 * and env/example.env and docs/operations.md must name every variable the server reads.
 */
class ExampleFilesTest {
    private static final Pattern ENV_LINE = Pattern.compile("(?m)^#?([A-Z][A-Z0-9_]+)=(.*)$");

    @Test
    void theExampleKeysLoad() throws IOException {
        ApiKeys keys = ApiKeys.parse("api-keys.example.json", Files.readString(Path.of("api-keys.example.json")));
        assertTrue(keys.size() >= 1);
        assertTrue(keys.authenticate("change-me-demo-key").isPresent(), "the key README's first request uses");
        assertTrue(keys.authenticate("change-me-demo-key-readonly").map(c -> !c.access().canWrite()).orElse(false));
        assertEquals(Optional.of(new Rate(20, 40)), keys.authenticate("change-me-other-app-key").orElseThrow().rate(), "the key with a rate");
    }

    @Test
    void everyLineOfTheExampleEnvironmentIsAValidSetting() throws IOException {
        Map<String, String> example = exampleEnv();
        Config config = Config.from(example);
        assertEquals(3000, config.port());
        assertEquals(262144, config.maxBodyBytes());
        assertEquals(Optional.of(URI.create("http://localhost:8000")), config.dynamoEndpoint());
        assertEquals(Optional.of(5L), config.readCapacityUnits());
        assertEquals(1, ApiKeys.load(config).size(), "the inline API_KEYS example");
        assertEquals(Optional.of(new Rate(20, 40)), config.defaultRate());
    }

    @Test
    void theExampleEnvironmentAndTheOperationsGuideNameEveryVariable() throws IOException {
        Set<String> read = new TreeSet<>();
        Config.from(new HashMap<>() {
            @Override
            public String get(Object key) {
                read.add((String) key);
                return null;
            }
        });
        Set<String> inExample = exampleEnv().keySet();
        assertEquals(read, new TreeSet<>(inExample), "env/example.env lists exactly the variables Config reads");
        String guide = Files.readString(Path.of("docs/operations.md"));
        for (String variable : read) {
            assertTrue(guide.contains("`" + variable + "`"), "docs/operations.md documents " + variable);
        }
    }

    private static Map<String, String> exampleEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = ENV_LINE.matcher(Files.readString(Path.of("env/example.env")));
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
        return env;
    }
}
