package io.redisbackup.scheduler.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.TimePeriod;

class BackupWindowsTest {

    private static final UUID INSTANCE = UUID.fromString("7b1e4c2a-9d3f-4a5b-8c6d-1e2f3a4b5c61");
    private static final Duration NO_SPREAD = Duration.ZERO;
    private static final Duration DEFAULT_SPREAD = Duration.ofMinutes(50);

    @Test
    void isDueInsideTheHourOnAChosenWeekdayInTheOwnersTimeZone() {
        BackupPolicy policy = policy("02:00-03:00", "Asia/Shanghai", DayOfWeek.TUESDAY);
        // Tuesday 2026-11-24 02:30 in Shanghai is Monday 18:30 UTC
        Instant inside = ZonedDateTime.of(2026, 11, 24, 2, 30, 0, 0, ZoneId.of("Asia/Shanghai")).toInstant();

        Optional<BackupWindows.Window> due = BackupWindows.due(policy, INSTANCE, inside, NO_SPREAD);

        assertTrue(due.isPresent());
        assertEquals(LocalDate.of(2026, 11, 24), due.get().day());
        assertEquals(Instant.parse("2026-11-23T18:00:00Z"), due.get().start());
        assertEquals(Instant.parse("2026-11-23T19:00:00Z"), due.get().end());
    }

    @Test
    void isNotDueBeforeOrAfterTheHourNorOnAnotherWeekdayNorWhenDisabled() {
        BackupPolicy policy = policy("02:00-03:00", "UTC", DayOfWeek.TUESDAY);
        assertFalse(BackupWindows.due(policy, INSTANCE, Instant.parse("2026-11-24T01:59:59Z"), NO_SPREAD).isPresent());
        assertFalse(BackupWindows.due(policy, INSTANCE, Instant.parse("2026-11-24T03:00:00Z"), NO_SPREAD).isPresent());
        assertFalse(BackupWindows.due(policy, INSTANCE, Instant.parse("2026-11-25T02:30:00Z"), NO_SPREAD).isPresent(),
                "Wednesday is not chosen");
        BackupPolicy off = new BackupPolicy(false, policy.weekdays(), policy.timePeriod(), policy.timezone(), 7);
        assertFalse(BackupWindows.due(off, INSTANCE, Instant.parse("2026-11-24T02:30:00Z"), NO_SPREAD).isPresent());
    }

    @Test
    void theLastHourOfTheDayBelongsToTheDayItStarts() {
        BackupPolicy policy = policy("23:00-00:00", "Europe/Berlin", DayOfWeek.MONDAY);
        Instant mondayLate = ZonedDateTime.of(2026, 11, 23, 23, 40, 0, 0, ZoneId.of("Europe/Berlin")).toInstant();
        Instant tuesdayMidnight = ZonedDateTime.of(2026, 11, 24, 0, 0, 0, 0, ZoneId.of("Europe/Berlin")).toInstant();

        assertEquals(LocalDate.of(2026, 11, 23), BackupWindows.due(policy, INSTANCE, mondayLate, NO_SPREAD).orElseThrow().day());
        assertFalse(BackupWindows.due(policy, INSTANCE, tuesdayMidnight, NO_SPREAD).isPresent());
    }

    @Test
    void anHourThatDaylightSavingSkipsStartsWhenTheClockJumps() {
        // New York, Sunday 2026-03-08: 02:00 EST becomes 03:00 EDT; the period 02:00-03:00 does not exist that day
        BackupPolicy policy = policy("02:00-03:00", "America/New_York", DayOfWeek.SUNDAY);
        BackupWindows.Window window = BackupWindows.windowOn(policy, INSTANCE, LocalDate.of(2026, 3, 8), NO_SPREAD)
                .orElseThrow();
        assertEquals(Instant.parse("2026-03-08T07:00:00Z"), window.start(), "03:00 EDT");
        assertEquals(Duration.ofHours(1), Duration.between(window.start(), window.end()));
        assertEquals(1, firingsOver(policy, Instant.parse("2026-03-07T00:00:00Z"), Instant.parse("2026-03-10T00:00:00Z")).size());
    }

    @Test
    void anHourThatDaylightSavingRepeatsCountsOnce() {
        // New York, Sunday 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:00-02:00 happens twice
        BackupPolicy policy = policy("01:00-02:00", "America/New_York", DayOfWeek.SUNDAY);
        BackupWindows.Window window = BackupWindows.windowOn(policy, INSTANCE, LocalDate.of(2026, 11, 1), NO_SPREAD)
                .orElseThrow();
        assertEquals(Instant.parse("2026-11-01T05:00:00Z"), window.start(), "the first 01:00, EDT");
        Set<LocalDate> days = firingsOver(policy, Instant.parse("2026-10-31T00:00:00Z"), Instant.parse("2026-11-03T00:00:00Z"));
        assertEquals(Set.of(LocalDate.of(2026, 11, 1)), days);
    }

    @Test
    void everyChosenDayOfAYearFiresOnceWhateverTheZone() {
        for (String zone : new String[] { "UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe",
                "Asia/Kathmandu", "Pacific/Chatham" }) {
            for (int hour = 0; hour < 24; hour++) {
                BackupPolicy policy = new BackupPolicy(true, EnumSet.allOf(DayOfWeek.class), new TimePeriod(hour),
                        ZoneId.of(zone), 7);
                Set<LocalDate> days = firingsOver(policy, Instant.parse("2026-01-01T00:00:00Z"),
                        Instant.parse("2027-01-01T00:00:00Z"));
                // the first and last day of the range may fall outside it, depending on the offset
                assertTrue(days.size() >= 364 && days.size() <= 366, zone + " " + hour + ": " + days.size());
            }
        }
    }

    @Test
    void spreadsInstancesOverTheHourTheSameWayEveryTime() {
        LocalDate day = LocalDate.of(2026, 11, 24);
        Set<Duration> moments = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration spread = BackupWindows.spread(UUID.randomUUID(), day, DEFAULT_SPREAD);
            assertTrue(!spread.isNegative() && spread.compareTo(DEFAULT_SPREAD) < 0, spread.toString());
            moments.add(spread);
        }
        assertTrue(moments.size() > 150, "instances start at different moments: " + moments.size());
        assertEquals(BackupWindows.spread(INSTANCE, day, DEFAULT_SPREAD), BackupWindows.spread(INSTANCE, day, DEFAULT_SPREAD));
        assertEquals(Duration.ZERO, BackupWindows.spread(INSTANCE, day, Duration.ZERO));
    }

    @Test
    void isDueFromTheInstancesMomentToTheEndOfTheHour() {
        BackupPolicy policy = policy("02:00-03:00", "UTC", DayOfWeek.TUESDAY);
        BackupWindows.Window window = BackupWindows.windowOn(policy, INSTANCE, LocalDate.of(2026, 11, 24), DEFAULT_SPREAD)
                .orElseThrow();
        assertFalse(BackupWindows.due(policy, INSTANCE, window.fireAt().minusSeconds(1), DEFAULT_SPREAD).isPresent());
        assertTrue(BackupWindows.due(policy, INSTANCE, window.fireAt(), DEFAULT_SPREAD).isPresent());
        assertTrue(BackupWindows.due(policy, INSTANCE, window.end().minusSeconds(1), DEFAULT_SPREAD).isPresent());
    }

    /**
     * The days on which a scheduler ticking every 10 minutes from {@code from} to {@code to} finds a backup due (an
     * hour-long window always holds a tick, in zones with :30 and :45 offsets too).
     */
    private static Set<LocalDate> firingsOver(BackupPolicy policy, Instant from, Instant to) {
        Set<LocalDate> days = new HashSet<>();
        for (Instant now = from; now.isBefore(to); now = now.plusSeconds(600)) {
            BackupWindows.due(policy, INSTANCE, now, NO_SPREAD).ifPresent(w -> days.add(w.day()));
        }
        return days;
    }

    private static BackupPolicy policy(String period, String zone, DayOfWeek... days) {
        return new BackupPolicy(true, EnumSet.copyOf(java.util.List.of(days)), TimePeriod.parse(period), ZoneId.of(zone), 7);
    }
}
