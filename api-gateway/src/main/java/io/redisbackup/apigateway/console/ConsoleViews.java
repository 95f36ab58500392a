package io.redisbackup.apigateway.console;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import io.quarkus.qute.TemplateExtension;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.TimePeriod;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.Trigger;

/** What the console's pages show, worked out for them: times in the owner's zone, sizes people read, choices. */
public final class ConsoleViews {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** The 24 one-hour periods a backup may start in. */
    public static final List<String> PERIODS = IntStream.range(0, 24).mapToObj(h -> new TimePeriod(h).toString()).toList();
    /** Every IANA time zone, sorted. */
    public static final Set<String> ZONES = new TreeSet<>(ZoneId.getAvailableZoneIds());

    private ConsoleViews() {
    }

    /** A weekday's checkbox: its value in the API and its name on the page. */
    public record Weekday(String value, String label, boolean checked) {
    }

    /**
     * The automatic backup's form: what it holds (the stored policy, or what was sent back with errors), the error
     * of each field, whether it was just saved, and when the next period begins.
     */
    public record PolicyForm(boolean enabled, List<Weekday> weekdays, String timePeriod, String timezone,
            String retentionDays, Map<String, String> errors, boolean saved, String nextWindow) {

        static PolicyForm of(BackupPolicy policy, boolean saved, Instant now) {
            return new PolicyForm(policy.enabled(), weekdays(policy.weekdays().stream().map(DayOfWeek::name).toList()),
                    policy.timePeriod().toString(), policy.timezone().getId(),
                    Integer.toString(policy.retentionDays()), Map.of(), saved, nextWindow(policy, now));
        }

        static PolicyForm refused(boolean enabled, List<String> weekdays, String timePeriod, String timezone,
                String retentionDays, Map<String, String> errors, BackupPolicy stored, Instant now) {
            return new PolicyForm(enabled, weekdays(weekdays), timePeriod, timezone, retentionDays, errors, false,
                    nextWindow(stored, now));
        }

        /** The error of a field, or null. */
        public String error(String field) {
            return errors.get(field);
        }

        public List<String> periods() {
            return PERIODS;
        }

        public Set<String> zones() {
            return ZONES;
        }

        private static List<Weekday> weekdays(List<String> chosen) {
            return java.util.Arrays.stream(DayOfWeek.values()).map(day -> new Weekday(day.name(),
                    day.getDisplayName(TextStyle.FULL, Locale.ENGLISH), chosen.contains(day.name()))).toList();
        }

        private static String nextWindow(BackupPolicy policy, Instant now) {
            return policy.nextWindow(now).map(ConsoleViews::when).orElse(null);
        }
    }

    /** A backup in the instance's list. */
    public record BackupRow(String id, String taskId, String started, String finished, String type, String size,
            String keys, String status, boolean downloadable, boolean inProgress) {

        static BackupRow of(Backup backup, ZoneId zone) {
            return new BackupRow(backup.id.toString(), backup.taskId == null ? null : backup.taskId.toString(),
                    when(backup.startedAt != null ? backup.startedAt : backup.createdAt, zone),
                    when(backup.finishedAt, zone), backup.type == BackupType.PRE_RECOVERY ? "before a recovery"
                            : backup.trigger == Trigger.SCHEDULED ? "automatic" : "manual",
                    bytes(backup.sizeBytes), backup.keyCount == null ? "" : String.format(Locale.ROOT, "%,d",
                            backup.keyCount), backup.status.name() + (backup.verification == null ? ""
                                    : "PASSED".equals(backup.verification) ? ", drill passed" : ", drill failed"),
                    backup.status == BackupStatus.SUCCEEDED,
                    backup.status == BackupStatus.PENDING || backup.status == BackupStatus.RUNNING);
        }
    }

    /** Whether a backup of the list is still being taken: then the page asks for the list again shortly. */
    @TemplateExtension
    static boolean anyInProgress(List<BackupRow> rows) {
        return rows.stream().anyMatch(BackupRow::inProgress);
    }

    /** When a period begins, in its zone, naming the zone. */
    static String when(java.time.ZonedDateTime start) {
        return WHEN.format(start) + " " + start.getZone().getId();
    }

    /** A moment in the zone, to the second; empty for none. */
    static String when(Instant instant, ZoneId zone) {
        return instant == null ? "" : WHEN.format(instant.atZone(zone));
    }

    /** A size as people read it: 1.5 MB. */
    static String bytes(Long bytes) {
        if (bytes == null) {
            return "";
        }
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = { "kB", "MB", "GB", "TB" };
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
