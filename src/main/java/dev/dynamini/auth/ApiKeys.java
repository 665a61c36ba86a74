package dev.dynamini.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamini.config.Config;
import dev.dynamini.config.ConfigException;
import dev.dynamini.limits.Rate;
import dev.dynamini.store.Content;
import dev.dynamini.store.Ids;
import dev.dynamini.store.Retention;
import dev.dynamini.store.RetentionPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The API keys of all applications. Keys are kept only as SHA-256 digests and every lookup compares
 * the digest of the presented key with every known digest, so neither the time taken nor a heap dump
 * tells anything about a key.
 */
public final class ApiKeys {

    /** The keys of api-keys.example.json, and any copied from them, start with this. */
    public static final String PLACEHOLDER_PREFIX = "change-me";

    private record Known(byte[] digest, Caller caller) {
    }

    private final List<Known> known;
    private final int placeholders;
    private final List<String> warnings;
    private final Map<String, RetentionPolicy> retention;
    private final Set<String> feedApplications;
    private final Set<String> asOfIndexApplications;

    private ApiKeys(List<Known> known, int placeholders, List<String> warnings, Map<String, RetentionPolicy> retention,
            Set<String> feedApplications, Set<String> asOfIndexApplications) {
        this.feedApplications = Set.copyOf(feedApplications);
        this.asOfIndexApplications = Set.copyOf(asOfIndexApplications);
        this.known = List.copyOf(known);
        this.placeholders = placeholders;
        this.warnings = List.copyOf(warnings);
        this.retention = Map.copyOf(retention);
    }

    /**
     * The retention of each application that has one (from the {@code "retention"} of its key
     * entries, which must all agree); the others keep every version.
     */
    public Map<String, RetentionPolicy> retention() {
        return retention;
    }

    /**
     * The applications that keep a change feed ({@code "feed": true} on their key entries): their
     * changes are indexed for {@code ?since=}, at one more write unit per change (docs/storage.md).
     */
    public Set<String> feedApplications() {
        return feedApplications;
    }

    /**
     * The applications whose versions are indexed by time for as-of reads ({@code "asOfIndex": true}):
     * an as-of read then costs the same at any depth of history, at one more write unit per change.
     */
    public Set<String> asOfIndexApplications() {
        return asOfIndexApplications;
    }

    /** What the key list allows but should not have (never a key itself): logged at start-up. */
    public List<String> warnings() {
        return warnings;
    }

    /** How many configured keys are the published example keys (or start like them). */
    public int placeholderKeys() {
        return placeholders;
    }

    public Optional<Caller> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presentedKey);
        Caller match = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(k.digest, digest)) {
                match = k.caller;
            }
        }
        return Optional.ofNullable(match);
    }

    /**
     * A secret derived from every configured key, the same whatever their order: instances that
     * share a key list derive the same one, and nobody without a key can compute it.
     */
    public byte[] derivedSecret() {
        List<String> digests = new ArrayList<>();
        for (Known k : known) {
            digests.add(java.util.HexFormat.of().formatHex(k.digest));
        }
        digests.sort(null);
        return sha256("dynamini derived secret v1\n" + String.join("\n", digests));
    }

    public int size() {
        return known.size();
    }

    /** API_KEYS (inline JSON) wins over API_KEYS_FILE. */
    public static ApiKeys load(Config config) {
        if (config.apiKeysJson().isPresent()) {
            return parse("API_KEYS", config.apiKeysJson().get());
        }
        try {
            return parse("API_KEYS_FILE", Files.readString(config.apiKeysFile(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("API_KEYS_FILE", "cannot read " + config.apiKeysFile().toAbsolutePath()
                    + " (" + e.getClass().getSimpleName() + "); set API_KEYS or point API_KEYS_FILE at a JSON array of {application, key}");
        }
    }

    public static ApiKeys parse(String variable, String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's message quotes the text it choked on, which may be a key: say only where
            var at = e.getLocation();
            throw new ConfigException(variable, "not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; expected a JSON array of {\"application\": ..., \"key\": ...}");
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new ConfigException(variable, "expected a non-empty JSON array of {\"application\": ..., \"key\": ...}");
        }
        List<Known> known = new ArrayList<>();
        Set<String> seenKeys = new HashSet<>();
        int placeholders = 0;
        List<String> warnings = new ArrayList<>();
        // an application's retention and the entry that set it first, to check the others agree
        Map<String, Optional<RetentionPolicy>> retentionOf = new LinkedHashMap<>();
        Map<String, String> retentionSetBy = new HashMap<>();
        Map<String, Boolean> feedOf = new HashMap<>();
        Map<String, Boolean> asOfIndexOf = new HashMap<>();
        int index = 0;
        for (JsonNode entry : root) {
            String where = "entry " + index++;
            String application = text(variable, entry, "application", where);
            String key = text(variable, entry, "key", where);
            // applications become the first part of every stored key, where '#' separates the parts
            if (application.length() > 128 || application.indexOf('#') >= 0 || application.chars().anyMatch(Character::isISOControl)) {
                throw new ConfigException(variable, where + ": application must be 1-128 characters without '#' or control characters");
            }
            // dynamodb-mini accepted any application name and key: a migrated key list still starts
            if (!Ids.valid(application)) {
                warnings.add(where + ": application '" + application + "' has characters outside A-Z a-z 0-9 . _ ~ @ : + = - (allowed, as dynamodb-mini allowed it)");
            }
            if (key.length() < 8) {
                warnings.add(where + " (application '" + application + "'): its key is shorter than 8 characters; use a long random key");
            }
            if (!seenKeys.add(key)) {
                throw new ConfigException(variable, where + ": the same key is listed twice");
            }
            Access access = switch (entry.path("access").asText("readwrite")) {
                case "read" -> Access.READ;
                case "readwrite", "write", "read-write" -> Access.READ_WRITE;
                default -> throw new ConfigException(variable, where + ": access must be \"read\" or \"readwrite\"");
            };
            Optional<RetentionPolicy> retention = retention(variable, entry, where);
            Optional<RetentionPolicy> earlier = retentionOf.putIfAbsent(application, retention);
            if (earlier == null) {
                retentionSetBy.put(application, where);
            } else if (!earlier.equals(retention)) {
                // one policy per application: rotating a key must not change or drop it unnoticed
                throw new ConfigException(variable, where + ": its \"retention\" differs from that of " + retentionSetBy.get(application)
                        + ", a key of the same application '" + application + "'; every key entry of an application must carry the same"
                        + " \"retention\" (or none)");
            }
            sameForEveryKey(variable, where, application, "feed", flag(variable, entry, where, "feed"), feedOf);
            sameForEveryKey(variable, where, application, "asOfIndex", flag(variable, entry, where, "asOfIndex"), asOfIndexOf);
            known.add(new Known(sha256(key), new Caller(application, access, index - 1, rate(variable, entry, where))));
            if (key.startsWith(PLACEHOLDER_PREFIX)) {
                placeholders++;
            }
        }
        Map<String, RetentionPolicy> retention = new LinkedHashMap<>();
        retentionOf.forEach((application, policy) -> policy.ifPresent(p -> retention.put(application, p)));
        return new ApiKeys(known, placeholders, warnings, retention, on(feedOf), on(asOfIndexOf));
    }

    /** A true-or-false setting of a key entry; absent or null: false. */
    private static boolean flag(String variable, JsonNode entry, String where, String field) {
        JsonNode node = entry.path(field);
        if (!node.isMissingNode() && !node.isNull() && !node.isBoolean()) {
            throw new ConfigException(variable, where + ": \"" + field + "\" must be true or false");
        }
        return node.asBoolean(false);
    }

    /** An application's setting must be the same on all its keys: rotating a key must not change it unnoticed. */
    private static void sameForEveryKey(String variable, String where, String application, String field, boolean value,
            Map<String, Boolean> seen) {
        Boolean earlier = seen.putIfAbsent(application, value);
        if (earlier != null && earlier != value) {
            throw new ConfigException(variable, where + ": its \"" + field + "\" differs from that of another key of the same application '"
                    + application + "'; every key entry of an application must carry the same \"" + field + "\" (or none)");
        }
    }

    private static Set<String> on(Map<String, Boolean> settings) {
        Set<String> applications = new HashSet<>();
        settings.forEach((application, value) -> {
            if (value) {
                applications.add(application);
            }
        });
        return applications;
    }

    private static final String RETENTION_SHAPE = "{\"versions\"?: whole number from 1 to " + Retention.MAX_VERSIONS
            + ", \"days\"?: whole number from 1 to " + Retention.MAX_DAYS + ", \"collections\"?: {\"<collection name>\": {\"versions\"?, \"days\"?}}}";

    /**
     * {@code "retention": {"versions"?: n, "days"?: d, "collections"?: {"<name>": {"versions"?, "days"?}}}};
     * absent or null: none (every version kept). Unknown fields are refused, so that a typo cannot
     * silently change what is kept.
     */
    private static Optional<RetentionPolicy> retention(String variable, JsonNode entry, String where) {
        JsonNode node = entry.get("retention");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new ConfigException(variable, where + ": \"retention\" must be " + RETENTION_SHAPE);
        }
        Retention defaults = rule(variable, node, where, "retention", true);
        Map<String, Retention> byName = new LinkedHashMap<>();
        JsonNode collections = node.get("collections");
        if (collections != null && !collections.isNull()) {
            if (!collections.isObject()) {
                throw new ConfigException(variable, where + ": \"retention.collections\" must be an object whose fields are collection"
                        + " names, each {\"versions\"?, \"days\"?}");
            }
            for (var fields = collections.fields(); fields.hasNext(); ) {
                var field = fields.next();
                String name = field.getKey();
                String path = "retention.collections[\"" + name + "\"]";
                if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > Content.MAX_NAME_BYTES) {
                    throw new ConfigException(variable, where + ": " + path + ": a collection name is 1 to " + Content.MAX_NAME_BYTES
                            + " bytes of UTF-8");
                }
                if (!field.getValue().isObject()) {
                    throw new ConfigException(variable, where + ": " + path + " must be {\"versions\"?, \"days\"?}");
                }
                byName.put(name, rule(variable, field.getValue(), where, path, false));
            }
        }
        return Optional.of(new RetentionPolicy(defaults, byName));
    }

    private static Retention rule(String variable, JsonNode node, String where, String path, boolean withCollections) {
        for (var fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("versions") && !field.equals("days") && !(withCollections && field.equals("collections"))) {
                throw new ConfigException(variable, where + ": unknown field \"" + field + "\" in " + path + "; \"retention\" is "
                        + RETENTION_SHAPE);
            }
        }
        return new Retention(wholeNumber(variable, node, "versions", where, path, Retention.MAX_VERSIONS),
                wholeNumber(variable, node, "days", where, path, Retention.MAX_DAYS));
    }

    private static OptionalLong wholeNumber(String variable, JsonNode node, String field, String where, String path, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 1 || value.asLong() > max) {
            throw new ConfigException(variable, where + ": " + path + "." + field + " must be a whole number from 1 to " + max);
        }
        return OptionalLong.of(value.asLong());
    }

    /**
     * {@code "rate": {"perSecond": n, "burst"?: n}}; absent or null: the key takes the default
     * (RATE_LIMIT_PER_SECOND). Unknown fields are refused, so a typo cannot silently lift a limit.
     */
    private static Optional<Rate> rate(String variable, JsonNode entry, String where) {
        JsonNode rate = entry.get("rate");
        if (rate == null || rate.isNull()) {
            return Optional.empty();
        }
        String expected = ": \"rate\" must be {\"perSecond\": number from 0.001 to 1000000, \"burst\"?: whole number of at least 1}";
        if (!rate.isObject()) {
            throw new ConfigException(variable, where + expected);
        }
        for (var fields = rate.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("perSecond") && !field.equals("burst")) {
                throw new ConfigException(variable, where + ": unknown field \"rate." + field + "\"; " + expected.substring(2));
            }
        }
        JsonNode perSecond = rate.get("perSecond");
        JsonNode burst = rate.get("burst");
        if (perSecond == null || !perSecond.isNumber() || (burst != null && !burst.canConvertToExactIntegral())) {
            throw new ConfigException(variable, where + expected);
        }
        try {
            double perSecondValue = perSecond.asDouble();
            return Optional.of(new Rate(perSecondValue,
                    burst == null ? Rate.defaultBurst(perSecondValue) : burst.canConvertToLong() ? burst.asLong() : -1));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, where + ": rate." + e.getMessage());
        }
    }

    private static String text(String variable, JsonNode entry, String field, String where) {
        JsonNode node = entry.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw new ConfigException(variable, where + ": \"" + field + "\" must be a non-empty string");
        }
        return node.asText();
    }

    /** Looking the algorithm up costs more than hashing a key: one digest per thread, reused. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private static byte[] sha256(String key) {
        return SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)); // digest() resets it
    }
}
