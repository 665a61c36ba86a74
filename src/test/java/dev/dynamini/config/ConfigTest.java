package dev.dynamini.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.limits.Rate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void defaultsAreDynamodbMinisAndEmbedded() {
        Config c = Config.from(Map.of());
        assertEquals(3000, c.port());
        assertFalse(c.debug());
        assertTrue(c.embedded());
        assertTrue(c.consistentRead());
        assertEquals("dynamomini.collections", c.collectionsTable());
        assertEquals("dynamomini.entries", c.entriesTable());
        assertEquals(Path.of("env/api-keys.json"), c.apiKeysFile());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals(256 * 1024, c.maxBodyBytes());
        assertEquals(Optional.empty(), c.readCapacityUnits());
        assertEquals(List.of("*"), c.corsOrigins());
        assertEquals(1024, c.minRequestDataRate());
        assertEquals(Duration.ofSeconds(5), c.minRequestDataRateGrace());
        assertEquals(Duration.ofSeconds(30), c.idleTimeout());
    }

    @Test
    void slowClientLimitsAndOriginsAreRead() {
        Config c = Config.from(Map.of("MIN_REQUEST_DATA_RATE", "0", "MIN_REQUEST_DATA_RATE_GRACE_MS", "250",
                "IDLE_TIMEOUT_MS", "60000", "CORS_ORIGINS", "https://app.example.com, http://localhost:8080"));
        assertEquals(0, c.minRequestDataRate(), "0 turns the minimum rate off");
        assertEquals(Duration.ofMillis(250), c.minRequestDataRateGrace());
        assertEquals(Duration.ofMinutes(1), c.idleTimeout());
        assertEquals(List.of("https://app.example.com", "http://localhost:8080"), c.corsOrigins());
    }

    @Test
    void aRegionOrAnEndpointMeansRemoteDynamoDb() {
        assertFalse(Config.from(Map.of("AWS_REGION", "eu-west-1")).embedded());
        Config endpoint = Config.from(Map.of("DYNAMODB_ENDPOINT", "http://localhost:8000"));
        assertFalse(endpoint.embedded());
        assertEquals("localhost", endpoint.dynamoEndpoint().orElseThrow().getHost());
    }

    @Test
    void badValuesNameTheVariable() {
        Map<String, String> bad = Map.of(
                "PORT", "eighty",
                "DEBUG", "maybe",
                "AWS_DYNAMODB_CONSISTENT_READ", "sometimes",
                "DYNAMODB_ENDPOINT", "localhost:8000",
                "AWS_DYNAMODB_RETRY_BASE_DELAY", "-5",
                "TABLE_NAME_ENTRIES", "no spaces allowed",
                "MAX_BODY_BYTES", "999999999",
                "MIN_REQUEST_DATA_RATE", "-1",
                "IDLE_TIMEOUT_MS", "10",
                "CORS_ORIGINS", "https://app.example.com, *.example.com");
        bad.forEach((variable, value) -> {
            ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Map.of(variable, value)));
            assertTrue(e.getMessage().startsWith(variable + ": "), e.getMessage());
        });
        ConfigException half = assertThrows(ConfigException.class, () -> Config.from(Map.of("AWS_DYNAMODB_READ_CAPACITY_UNITS", "5")));
        assertTrue(half.getMessage().startsWith("AWS_DYNAMODB_WRITE_CAPACITY_UNITS"));
        assertThrows(ConfigException.class, () -> Config.from(Map.of("TABLE_NAME_COLLECTIONS", "same", "TABLE_NAME_ENTRIES", "same")));
    }

    @Test
    void aDefaultRateLimitIsOptional() {
        assertEquals(Optional.empty(), Config.from(Map.of()).defaultRate(), "unset: keys without a rate are unlimited");
        assertEquals(Optional.of(new Rate(20, 40)), Config.from(Map.of("RATE_LIMIT_PER_SECOND", "20", "RATE_LIMIT_BURST", "40")).defaultRate());
        assertEquals(Optional.of(new Rate(2.5, 3)), Config.from(Map.of("RATE_LIMIT_PER_SECOND", "2.5")).defaultRate(),
                "the burst defaults to one second's worth");
        assertEquals(Optional.of(new Rate(0.1, 1)), Config.from(Map.of("RATE_LIMIT_PER_SECOND", "0.1")).defaultRate());
        for (Map<String, String> bad : List.of(Map.of("RATE_LIMIT_PER_SECOND", "fast"), Map.of("RATE_LIMIT_PER_SECOND", "0"), Map.of("RATE_LIMIT_PER_SECOND", "1e-300"),
                Map.of("RATE_LIMIT_PER_SECOND", "-1"), Map.of("RATE_LIMIT_PER_SECOND", "NaN"), Map.of("RATE_LIMIT_PER_SECOND", "1e9"),
                Map.of("RATE_LIMIT_PER_SECOND", "5", "RATE_LIMIT_BURST", "0"), Map.of("RATE_LIMIT_PER_SECOND", "5", "RATE_LIMIT_BURST", "2.5"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> Config.from(bad), bad.toString());
            assertTrue(e.getMessage().startsWith("RATE_LIMIT_"), e.getMessage());
        }
        ConfigException burstAlone = assertThrows(ConfigException.class, () -> Config.from(Map.of("RATE_LIMIT_BURST", "10")));
        assertTrue(burstAlone.getMessage().startsWith("RATE_LIMIT_BURST: needs RATE_LIMIT_PER_SECOND"), burstAlone.getMessage());
    }

    @Test
    void provisionedCapacityComesInPairs() {
        Config c = Config.from(Map.of("AWS_DYNAMODB_READ_CAPACITY_UNITS", "5", "AWS_DYNAMODB_WRITE_CAPACITY_UNITS", "7"));
        assertEquals(Optional.of(5L), c.readCapacityUnits());
        assertEquals(Optional.of(7L), c.writeCapacityUnits());
    }
}
