package dev.dynamini.config;

import dev.dynamini.limits.Rate;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every setting of the server, read from environment variables. The names of dynamodb-mini keep
 * their meaning; see the configuration table in README.md.
 */
public record Config(
        String host,
        int port,
        boolean debug,
        Optional<String> awsRegion,
        Optional<URI> dynamoEndpoint,
        boolean consistentRead,
        Optional<Long> readCapacityUnits,
        Optional<Long> writeCapacityUnits,
        Optional<Duration> retryBaseDelay,
        Duration dynamoTimeout,
        String collectionsTable,
        String entriesTable,
        Path apiKeysFile,
        Optional<String> apiKeysJson,
        Path dataDir,
        int maxBodyBytes,
        List<String> corsOrigins,
        Duration shutdownGrace,
        long minRequestDataRate,
        Duration minRequestDataRateGrace,
        Duration idleTimeout,
        Optional<String> cursorSecret,
        boolean slugifyUserIds,
        Optional<Rate> defaultRate,
        Duration collectionCache,
        Duration feedSettle,
        int feedMaxWaiting,
        int feedMaxStreams) {

    /** DynamoDB items are limited to 400 KB; a value is stored with its metadata in one item. */
    public static final int MAX_BODY_BYTES_LIMIT = 350 * 1024;

    /** With neither a region nor an endpoint, DynamoDB Local runs inside this JVM. */
    public boolean embedded() {
        return awsRegion.isEmpty() && dynamoEndpoint.isEmpty();
    }

    /** A table name read from {@code variable} (also for the import's OLD_TABLE_NAME_* variables). */
    public static String checkedTableName(String variable, String value) {
        if (!value.matches("[A-Za-z0-9_.-]{3,255}")) {
            throw new ConfigException(variable, "a DynamoDB table name is 3-255 characters of A-Z a-z 0-9 _ . -, got '" + value + "'");
        }
        return value;
    }

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        Optional<Long> rcu = r.optionalPositiveLong("AWS_DYNAMODB_READ_CAPACITY_UNITS");
        Optional<Long> wcu = r.optionalPositiveLong("AWS_DYNAMODB_WRITE_CAPACITY_UNITS");
        if (rcu.isPresent() != wcu.isPresent()) {
            String missing = rcu.isPresent() ? "AWS_DYNAMODB_WRITE_CAPACITY_UNITS" : "AWS_DYNAMODB_READ_CAPACITY_UNITS";
            throw new ConfigException(missing, "must be set together with the other capacity variable (unset both for on-demand)");
        }
        String collections = r.tableName("TABLE_NAME_COLLECTIONS", "dynamomini.collections");
        String entries = r.tableName("TABLE_NAME_ENTRIES", "dynamomini.entries");
        if (collections.equals(entries)) {
            throw new ConfigException("TABLE_NAME_ENTRIES", "must differ from TABLE_NAME_COLLECTIONS");
        }
        return new Config(
                r.host("HOST", "127.0.0.1"),
                r.port("PORT", 3000),
                r.bool("DEBUG", false),
                r.optionalString("AWS_REGION"),
                r.optionalUri("DYNAMODB_ENDPOINT"),
                r.bool("AWS_DYNAMODB_CONSISTENT_READ", true),
                rcu,
                wcu,
                r.optionalPositiveLong("AWS_DYNAMODB_RETRY_BASE_DELAY").map(Duration::ofMillis),
                Duration.ofMillis(r.boundedInt("DYNAMODB_TIMEOUT_MS", 5000, 100, 120_000)),
                collections,
                entries,
                Path.of(r.string("API_KEYS_FILE", "env/api-keys.json")),
                r.optionalString("API_KEYS"),
                Path.of(r.string("DATA_DIR", "./data")),
                r.boundedInt("MAX_BODY_BYTES", 256 * 1024, 1024, MAX_BODY_BYTES_LIMIT),
                r.origins("CORS_ORIGINS"),
                Duration.ofMillis(r.boundedInt("SHUTDOWN_GRACE_MS", 10_000, 0, 600_000)),
                r.boundedInt("MIN_REQUEST_DATA_RATE", 1024, 0, 1_000_000_000),
                Duration.ofMillis(r.boundedInt("MIN_REQUEST_DATA_RATE_GRACE_MS", 5000, 100, 600_000)),
                Duration.ofMillis(r.boundedInt("IDLE_TIMEOUT_MS", 30_000, 1000, 3_600_000)),
                r.optionalSecret("CURSOR_SECRET", 16),
                r.bool("SLUGIFY_USER_IDS", false),
                r.rate("RATE_LIMIT_PER_SECOND", "RATE_LIMIT_BURST"),
                Duration.ofMillis(r.boundedInt("COLLECTION_CACHE_MS", 1000, 0, 60_000)),
                // embedded, this process is DynamoDB's only writer, and knows its own writes in flight
                Duration.ofMillis(r.boundedInt("FEED_SETTLE_MS",
                        r.optionalString("AWS_REGION").isEmpty() && r.optionalString("DYNAMODB_ENDPOINT").isEmpty() ? 0 : 5000, 0, 600_000)),
                r.boundedInt("FEED_MAX_WAITING", 256, 0, 100_000),
                r.boundedInt("FEED_MAX_STREAMS", 64, 0, 100_000));
    }

    /** Parses one variable at a time so that each error names its variable. */
    private record Reader(Map<String, String> env) {
        private static final Pattern ORIGIN = Pattern.compile("(?i)(https?://)?[a-z0-9.-]+(:[0-9]{1,5})?/?");

        Optional<String> optionalString(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        /** A secret is never echoed in an error. */
        Optional<String> optionalSecret(String name, int minLength) {
            Optional<String> value = optionalString(name);
            if (value.isPresent() && value.get().length() < minLength) {
                throw new ConfigException(name, "must be at least " + minLength + " characters");
            }
            return value;
        }

        String string(String name, String fallback) {
            return optionalString(name).orElse(fallback);
        }

        boolean bool(String name, boolean fallback) {
            return optionalString(name).map(v -> switch (v.toLowerCase()) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name, "expected true or false, got '" + v + "'");
            }).orElse(fallback);
        }

        /** An address to listen on: an IP literal or a host name; binding it is checked at start-up. */
        String host(String name, String fallback) {
            String value = string(name, fallback);
            if (!value.matches("[A-Za-z0-9.:%\\[\\]-]{1,253}")) {
                throw new ConfigException(name, "expected an address to listen on such as 127.0.0.1 or 0.0.0.0, got '" + value + "'");
            }
            return value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        }

        int port(String name, int fallback) {
            return boundedInt(name, fallback, 0, 65535);
        }

        int boundedInt(String name, int fallback, int min, int max) {
            Optional<String> raw = optionalString(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            long value = parseLong(name, raw.get());
            if (value < min || value > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return (int) value;
        }

        Optional<Long> optionalPositiveLong(String name) {
            return optionalString(name).map(raw -> {
                long value = parseLong(name, raw);
                if (value <= 0) {
                    throw new ConfigException(name, "must be a positive whole number, got " + value);
                }
                return value;
            });
        }

        Optional<URI> optionalUri(String name) {
            return optionalString(name).map(raw -> {
                try {
                    URI uri = new URI(raw);
                    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                            || uri.getHost() == null) {
                        throw new ConfigException(name, "expected an http(s) URL such as http://localhost:8000, got '" + raw + "'");
                    }
                    return uri;
                } catch (URISyntaxException e) {
                    throw new ConfigException(name, "not a valid URL: '" + raw + "'");
                }
            });
        }

        /** The rate of keys without one of their own; no rate set: those keys are unlimited. */
        Optional<Rate> rate(String perSecondName, String burstName) {
            Optional<String> perSecond = optionalString(perSecondName);
            Optional<String> burst = optionalString(burstName);
            if (perSecond.isEmpty()) {
                if (burst.isPresent()) {
                    throw new ConfigException(burstName, "needs " + perSecondName + " (unset both for no default limit)");
                }
                return Optional.empty();
            }
            double rate;
            try {
                rate = Double.parseDouble(perSecond.get());
            } catch (NumberFormatException e) {
                throw new ConfigException(perSecondName, "expected a number of requests per second such as 20 or 0.5, got '" + perSecond.get() + "'");
            }
            if (!(rate >= Rate.MIN_PER_SECOND) || rate > Rate.MAX_PER_SECOND) {
                throw new ConfigException(perSecondName, "must be from " + Rate.MIN_PER_SECOND + " to " + (long) Rate.MAX_PER_SECOND + ", got " + perSecond.get());
            }
            long burstValue = burst.isEmpty() ? Rate.defaultBurst(rate) : parseLong(burstName, burst.get());
            if (burstValue < 1 || burstValue > Rate.MAX_BURST) {
                throw new ConfigException(burstName, "must be between 1 and " + Rate.MAX_BURST + ", got " + burstValue);
            }
            return Optional.of(new Rate(rate, burstValue));
        }

        String tableName(String name, String fallback) {
            return checkedTableName(name, string(name, fallback));
        }

        /** "*" or a list of origins (scheme://host[:port]); matching is exact, so wildcards in hosts are refused. */
        List<String> origins(String name) {
            List<String> origins = optionalString(name).map(raw -> List.of(raw.split("\\s*,\\s*"))).orElse(List.of("*"));
            for (String origin : origins) {
                if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
                    throw new ConfigException(name, "expected * or origins such as https://app.example.com, got '" + origin + "'");
                }
            }
            return origins;
        }

        private static long parseLong(String name, String raw) {
            try {
                return Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new ConfigException(name, "expected a whole number, got '" + raw + "'");
            }
        }
    }
}
