package io.redisbackup.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BackupPolicyTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void theNextWindowIsTheNextChosenDaysStartHourInTheOwnersZone() {
        BackupPolicy policy = new BackupPolicy(true, EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.THURSDAY),
                TimePeriod.parse("02:00-03:00"), SHANGHAI, 7);
        // Monday 2026-11-30 01:59 in Shanghai: today's window is still ahead
        Instant beforeToday = ZonedDateTime.of(2026, 11, 30, 1, 59, 0, 0, SHANGHAI).toInstant();
        assertEquals(Optional.of(ZonedDateTime.of(2026, 11, 30, 2, 0, 0, 0, SHANGHAI)), policy.nextWindow(beforeToday));
        // at 02:00 exactly the window has begun: the next is Thursday's
        Instant atStart = ZonedDateTime.of(2026, 11, 30, 2, 0, 0, 0, SHANGHAI).toInstant();
        assertEquals(Optional.of(ZonedDateTime.of(2026, 12, 3, 2, 0, 0, 0, SHANGHAI)), policy.nextWindow(atStart));
        // Thursday after the window: next Monday
        Instant thursdayNoon = ZonedDateTime.of(2026, 12, 3, 12, 0, 0, 0, SHANGHAI).toInstant();
        assertEquals(Optional.of(ZonedDateTime.of(2026, 12, 7, 2, 0, 0, 0, SHANGHAI)), policy.nextWindow(thursdayNoon));
    }

    @Test
    void aWeeklyWindowThatJustBeganIsNextAWeekLater() {
        BackupPolicy policy = new BackupPolicy(true, EnumSet.of(DayOfWeek.MONDAY), TimePeriod.parse("23:00-00:00"),
                ZoneId.of("UTC"), 7);
        Instant mondayLate = Instant.parse("2026-11-30T23:30:00Z");
        assertEquals(Optional.of(ZonedDateTime.parse("2026-12-07T23:00Z[UTC]")), policy.nextWindow(mondayLate));
    }

    @Test
    void aPolicyThatIsOffHasNoNextWindow() {
        assertEquals(Optional.empty(), new BackupPolicy(false, EnumSet.allOf(DayOfWeek.class),
                TimePeriod.parse("02:00-03:00"), SHANGHAI, 7).nextWindow(Instant.now()));
        assertEquals(Optional.empty(), new BackupPolicy(true, EnumSet.noneOf(DayOfWeek.class),
                TimePeriod.parse("02:00-03:00"), SHANGHAI, 7).nextWindow(Instant.now()));
    }
}
