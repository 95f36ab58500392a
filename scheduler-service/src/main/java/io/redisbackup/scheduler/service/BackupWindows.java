package io.redisbackup.scheduler.service;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;

import io.redisbackup.contracts.BackupPolicy;

/**
 * When an automatic backup is due: the arithmetic of time periods, time zones and daylight saving, with no clock
 * and no database. A backup window is the policy's hour on a chosen weekday, in the policy's time zone; it is
 * identified by that local date, which is what makes "at most once a day" a unique key.
 *
 * <p>Daylight saving neither skips nor doubles a day: on the day clocks jump forward, an hour that does not exist
 * (02:00-03:00 where 02:00 becomes 03:00) starts at the first moment that does; on the day they fall back, an hour
 * that happens twice counts once, from its first occurrence. Within the hour, each instance fires at its own
 * moment (a spread derived from its id and the date), so that many instances with the same period do not all
 * start in its first second.
 */
public final class BackupWindows {

    private static final Duration HOUR = Duration.ofHours(1);
    /** The latest moment an instance may be scheduled in its hour, leaving room for the backup to start inside. */
    private static final Duration LATEST_SPREAD = Duration.ofMinutes(50);

    private BackupWindows() {
    }

    /** One day's backup window of an instance. */
    public record Window(LocalDate day, Instant start, Instant end, Instant fireAt) {
    }

    /**
     * The window whose backup is due at {@code now}: the policy is enabled, today (or yesterday, for a window that
     * crossed midnight) is a chosen weekday, and {@code now} is between the instance's moment and the end of the
     * hour. Empty otherwise, including once the hour has passed: a window missed entirely is not made up later.
     */
    public static Optional<Window> due(BackupPolicy policy, UUID instanceId, Instant now, Duration maxSpread) {
        if (!policy.enabled()) {
            return Optional.empty();
        }
        LocalDate today = now.atZone(policy.timezone()).toLocalDate();
        for (LocalDate day : new LocalDate[] { today, today.minusDays(1) }) {
            Optional<Window> window = windowOn(policy, instanceId, day, maxSpread);
            if (window.isPresent() && !now.isBefore(window.get().fireAt()) && now.isBefore(window.get().end())) {
                return window;
            }
        }
        return Optional.empty();
    }

    /** The window on {@code day}, if the policy backs up on that weekday. */
    public static Optional<Window> windowOn(BackupPolicy policy, UUID instanceId, LocalDate day, Duration maxSpread) {
        if (!policy.weekdays().contains(day.getDayOfWeek())) {
            return Optional.empty();
        }
        // ZonedDateTime.of moves a time in a spring-forward gap to the first moment after it, and takes the
        // earlier of the two moments of a fall-back overlap
        Instant start = ZonedDateTime.of(day, policy.timePeriod().start(), policy.timezone()).toInstant();
        Instant end = start.plus(HOUR);
        return Optional.of(new Window(day, start, end, start.plus(spread(instanceId, day, maxSpread))));
    }

    /** A moment in [0, min(maxSpread, 50 min)) that is the same every time for one instance and day. */
    static Duration spread(UUID instanceId, LocalDate day, Duration maxSpread) {
        long limit = Math.min(maxSpread.toSeconds(), LATEST_SPREAD.toSeconds());
        if (limit <= 0) {
            return Duration.ZERO;
        }
        CRC32 hash = new CRC32();
        hash.update(ByteBuffer.allocate(24).putLong(instanceId.getMostSignificantBits())
                .putLong(instanceId.getLeastSignificantBits()).putLong(day.toEpochDay()).array());
        return Duration.ofSeconds(hash.getValue() % limit);
    }
}
