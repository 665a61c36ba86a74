package dev.dynamini.limits;

import java.time.Duration;

/**
 * A token bucket's settings: {@code perSecond} tokens flow in continuously (a fraction such as 0.5
 * is one request every two seconds) and at most {@code burst} are kept, so an idle client may send
 * {@code burst} requests at once and then {@code perSecond} on average.
 */
public record Rate(double perSecond, long burst) {
    /** Far above what one instance serves: a larger number is a typo, not a limit. */
    public static final double MAX_PER_SECOND = 1_000_000;
    /** One request every ~17 minutes; slower would be a blocked key, and overflows Bucket4j's arithmetic. */
    public static final double MIN_PER_SECOND = 0.001;
    public static final long MAX_BURST = 1_000_000_000;

    /** The messages name the field as the key list and the environment spell it. */
    public Rate {
        if (!(perSecond >= MIN_PER_SECOND) || perSecond > MAX_PER_SECOND) {
            throw new IllegalArgumentException("perSecond must be a number from " + MIN_PER_SECOND + " to " + (long) MAX_PER_SECOND);
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw new IllegalArgumentException("burst must be a whole number from 1 to " + MAX_BURST);
        }
    }

    /** Without a burst of its own, one second's worth (at least one request). */
    public static long defaultBurst(double perSecond) {
        return Math.max(1, (long) Math.ceil(Math.min(perSecond, MAX_BURST)));
    }

    /**
     * The refill as Bucket4j takes it, whole tokens per period: a whole rate per second as it is,
     * any other as one token per 1/perSecond seconds.
     */
    long refillTokens() {
        return perSecond == Math.rint(perSecond) ? (long) perSecond : 1;
    }

    Duration refillPeriod() {
        return perSecond == Math.rint(perSecond) ? Duration.ofSeconds(1) : Duration.ofNanos(Math.round(1e9 / perSecond));
    }

    /** For messages: 20 rather than 20.0. */
    public String describe() {
        String rate = perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
        return rate + " requests per second, burst " + burst;
    }
}
