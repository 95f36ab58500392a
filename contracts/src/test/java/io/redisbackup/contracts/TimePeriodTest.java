package io.redisbackup.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimePeriodTest {

    @Test
    void readsOneHourOnTheHour() {
        assertEquals(LocalTime.of(2, 0), TimePeriod.parse("02:00-03:00").start());
        assertEquals(0, TimePeriod.parse("00:00-01:00").startHour());
        assertEquals(23, TimePeriod.parse(" 23:00-00:00 ").startHour());
        assertEquals("23:00-00:00", TimePeriod.parse("23:00-00:00").toString());
        assertEquals("09:00-10:00", new TimePeriod(9).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "2:00-3:00", "02:00-04:00", "02:30-03:30", "03:00-02:00", "24:00-01:00",
            "23:00-24:00", "02:00", "02:00 - 03:00", "abc" })
    void refusesAnythingElse(String text) {
        assertThrows(IllegalArgumentException.class, () -> TimePeriod.parse(text));
    }

    @Test
    void travelsAsItsText() {
        BackupPolicyChanged changed = BackupPolicyChanged.of(java.util.UUID.randomUUID(), 1,
                new BackupPolicy(true, java.util.Set.of(java.time.DayOfWeek.MONDAY), TimePeriod.parse("23:00-00:00"),
                        java.time.ZoneId.of("Asia/Shanghai"), 7), null, "default", null, java.time.Instant.now());
        String json = MessageCodec.toJson(changed);
        assertEquals(true, json.contains("\"timePeriod\":\"23:00-00:00\""), json);
        assertEquals(true, json.contains("\"timezone\":\"Asia/Shanghai\""), json);
        assertEquals(changed, MessageCodec.fromJson(json, BackupPolicyChanged.class));
    }
}
