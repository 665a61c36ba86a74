package dev.dynamini.store;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Ids that sort by creation time: ULIDs (48 bits of milliseconds, 80 random bits, Crockford base32).
 * Within one millisecond the random part counts up, so ids made by one process are strictly
 * increasing; ids of different servers in the same millisecond are ordered arbitrarily.
 */
public final class IdGenerator {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long randomHigh; // 16 bits
    private long randomLow;  // 64 bits

    public IdGenerator(Clock clock) {
        this.clock = clock;
    }

    public synchronized String next() {
        long now = clock.millis();
        if (now > lastMillis) {
            lastMillis = now;
            randomHigh = random.nextInt(1 << 16);
            randomLow = random.nextLong();
        } else if (++randomLow == 0) {
            randomHigh = (randomHigh + 1) & 0xFFFF;
        }
        return encode(lastMillis, randomHigh, randomLow);
    }

    private static String encode(long millis, long high, long low) {
        char[] out = new char[26];
        // 128 bits = 48 (time) + 16 + 64, written as 26 base32 digits (the first holds 3 bits)
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits: 16 digits
        long bits = low;
        for (int i = 25; i >= 13; i--) { // 13 digits = 65 bits: 64 of low, 1 of high
            if (i == 13) {
                out[i] = ALPHABET[(int) ((bits & 15) | ((high & 1) << 4))];
                high >>>= 1;
            } else {
                out[i] = ALPHABET[(int) (bits & 31)];
                bits >>>= 5;
            }
        }
        for (int i = 12; i >= 10; i--) {
            out[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        return new String(out);
    }
}
