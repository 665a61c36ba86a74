package dev.dynamini.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One token bucket per API key, in this process's memory: limits hold per instance, and a restart
 * starts every bucket full (docs/operations.md, "Rate limits"). Buckets are made on a key's first
 * request, so their number is bounded by the key list.
 */
public final class RateLimiter {
    /** A request the limiter let through, or refused with how long to wait. */
    public record Verdict(boolean allowed, long retryAfterSeconds) {
        static final Verdict ALLOWED = new Verdict(true, 0);
    }

    private final Optional<Rate> defaultRate;
    private final Map<Integer, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code defaultRate} applies to keys without a rate of their own; none: those are unlimited. */
    public RateLimiter(Optional<Rate> defaultRate) {
        this.defaultRate = defaultRate;
    }

    /** The rate that applies to a key with {@code own} rate (or none). */
    public Optional<Rate> effective(Optional<Rate> own) {
        return own.or(() -> defaultRate);
    }

    /**
     * Takes one token from the bucket of key {@code keyId} (any number that identifies the key, such
     * as its position in the key list), made with {@code rate} on first use.
     */
    public Verdict acquire(int keyId, Optional<Rate> own) {
        Optional<Rate> rate = effective(own);
        if (rate.isEmpty()) {
            return Verdict.ALLOWED;
        }
        Bucket bucket = buckets.computeIfAbsent(keyId, id -> Bucket.builder()
                .addLimit(limit -> limit.capacity(rate.get().burst())
                        .refillGreedy(rate.get().refillTokens(), rate.get().refillPeriod()))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Verdict.ALLOWED;
        }
        // Retry-After is whole seconds: round up, so a client that waits that long finds a token
        long seconds = (probe.getNanosToWaitForRefill() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
        return new Verdict(false, Math.max(1, seconds));
    }
}
