package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written formatters on the hot path give what the library formatters would. */
class FormattingTest {
    private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void isoTimesMatchThePatternFormatter() {
        Random random = new Random(42);
        long[] edges = {0, -1, 1, 86_399_999, 86_400_000, -86_400_001, 951_782_400_000L /* 2000-02-29 */,
            253_402_300_799_999L /* 9999-12-31T23:59:59.999 */, -62_167_219_200_000L /* 0000-01-01 */};
        for (long millis : edges) {
            Instant instant = Instant.ofEpochMilli(millis);
            assertEquals(REFERENCE.format(instant), JsonOut.iso(instant), "epoch ms " + millis);
        }
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochMilli(random.nextLong() % 253_402_300_799_999L);
            assertEquals(REFERENCE.format(instant), JsonOut.iso(instant));
        }
    }

    @Test
    void oneDecimalMatchesPercentPointOneF() {
        double[] values = {0, 0.04, 0.05, 0.25, 1, 2.0, 4.5, 16.95, 123.449, 1234567.89};
        for (double value : values) {
            StringBuilder out = new StringBuilder();
            AccessLog.oneDecimal(out, value);
            assertEquals(String.format(Locale.ROOT, "%.1f", Math.round(value * 10) / 10.0), out.toString(), "value " + value);
        }
    }
}
