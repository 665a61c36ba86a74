package dev.dynamini.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {
    @Test
    void idsAreValidPathIdsThatSortInCreationOrder() {
        IdGenerator ids = new IdGenerator(Clock.systemUTC());
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            made.add(ids.next());
        }
        List<String> sorted = new ArrayList<>(made);
        sorted.sort(null);
        assertEquals(made, sorted, "strictly increasing within one process, even within a millisecond");
        assertEquals(made.size(), new HashSet<>(made).size());
        made.forEach(id -> assertTrue(Ids.valid(id) && id.length() == 26, id));
    }

    @Test
    void laterMillisecondsSortAfterEarlierOnes() {
        String early = new IdGenerator(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC)).next();
        String late = new IdGenerator(Clock.fixed(Instant.ofEpochMilli(1_001), ZoneOffset.UTC)).next();
        assertTrue(early.compareTo(late) < 0);
    }
}
