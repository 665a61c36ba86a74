package dev.dynamini.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The change feed's bound never reaches a millisecond in which a write of this instance may still
 * stamp a change: neither now's (a write may begin right after the reader looked) nor one at or
 * after the oldest write under way.
 */
class ChangeFeedBoundTest {
    private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_123L).plusNanos(400_000);

    @Test
    void aWriteThatBeginsJustAfterTheReaderLookedStampsAboveTheBound() {
        AtomicReference<Instant> time = new AtomicReference<>(NOW);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return time.get();
            }
        };
        WritesInFlight writes = new WritesInFlight(clock);
        Instant bound = ChangeFeed.boundAt(writes.moment(), Duration.ZERO);
        // the same millisecond, a moment later: a write begins and stamps its change at its start
        time.set(NOW.plusNanos(300_000));
        long[] began = new long[1];
        writes.during(null, () -> began[0] = clock.millis());
        assertTrue(bound.toEpochMilli() < began[0], "bound " + bound.toEpochMilli() + " reaches the write's millisecond " + began[0]);
    }

    @Test
    void theBoundStaysBeforeTheOldestWriteUnderWayAndSettleTime() {
        Instant oldest = NOW.minusMillis(50);
        assertEquals(oldest.toEpochMilli() - 1, ChangeFeed.boundAt(new WritesInFlight.Moment(NOW, Optional.of(Instant.ofEpochMilli(oldest.toEpochMilli()))),
                Duration.ZERO).toEpochMilli());
        assertEquals(NOW.minusMillis(400).toEpochMilli() - 1, ChangeFeed.boundAt(new WritesInFlight.Moment(NOW, Optional.empty()),
                Duration.ofMillis(400)).toEpochMilli());
    }
}
