package io.redisbackup.apigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Grandfather-father-son over a simulated year of daily automatic backups, a few days with a second one. */
class RetentionCountsTest {

    private final Map<UUID, LocalDateTime> taken = new HashMap<>();
    private final List<RetentionCounts.Dated> year = new ArrayList<>();

    RetentionCountsTest() {
        for (LocalDate day = LocalDate.of(2026, 1, 1); day.getYear() == 2026; day = day.plusDays(1)) {
            add(day.atTime(2, 30));
        }
        add(LocalDateTime.of(2026, 3, 31, 14, 0));
        add(LocalDateTime.of(2026, 12, 27, 14, 0));
        add(LocalDateTime.of(2026, 12, 30, 14, 0));
    }

    private void add(LocalDateTime at) {
        UUID id = UUID.randomUUID();
        taken.put(id, at);
        year.add(new RetentionCounts.Dated(id, at.toInstant(ZoneOffset.UTC)));
    }

    @Test
    void keepsTheNewestOfEachDayWeekAndMonthAndTheLastFew() {
        Set<String> kept = kept(new RetentionCounts(3, 7, 4, 12), ZoneId.of("UTC"));
        Set<String> expected = new TreeSet<>(List.of(
                // the last 3
                "2026-12-31T02:30", "2026-12-30T14:00", "2026-12-30T02:30",
                // the newest of each of the last 7 days
                "2026-12-29T02:30", "2026-12-28T02:30", "2026-12-27T14:00", "2026-12-26T02:30", "2026-12-25T02:30",
                // of the last 4 ISO weeks: 53 (Dec 28-31), 52, 51, 50
                "2026-12-20T02:30", "2026-12-13T02:30",
                // of the last 12 months
                "2026-11-30T02:30", "2026-10-31T02:30", "2026-09-30T02:30", "2026-08-31T02:30", "2026-07-31T02:30",
                "2026-06-30T02:30", "2026-05-31T02:30", "2026-04-30T02:30", "2026-03-31T14:00", "2026-02-28T02:30",
                "2026-01-31T02:30"));
        assertEquals(expected, kept);
    }

    @Test
    void daysAreTheOwnersDays() {
        // 20:00 UTC on December 30th is already the 31st in Shanghai: that day's newest
        add(LocalDateTime.of(2026, 12, 30, 20, 0));
        assertEquals(Set.of("2026-12-31T02:30", "2026-12-30T14:00"),
                kept(new RetentionCounts(null, 2, null, null), ZoneId.of("Asia/Shanghai")));
        assertEquals(Set.of("2026-12-31T02:30", "2026-12-30T20:00"),
                kept(new RetentionCounts(null, 2, null, null), ZoneId.of("UTC")));
    }

    @Test
    void noRuleKeepsNothing() {
        assertFalse(RetentionCounts.NONE.any());
        assertTrue(RetentionCounts.NONE.kept(year, ZoneId.of("UTC")).isEmpty());
        assertTrue(new RetentionCounts(0, 0, 0, 0).kept(year, ZoneId.of("UTC")).isEmpty());
        assertEquals(1, kept(new RetentionCounts(null, null, null, 1), ZoneId.of("UTC")).size());
    }

    private Set<String> kept(RetentionCounts counts, ZoneId zone) {
        Set<String> kept = new TreeSet<>();
        counts.kept(year, zone).forEach(id -> kept.add(taken.get(id).toString()));
        return kept;
    }
}
