package io.redisbackup.apigateway.rest;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.redisbackup.apigateway.Drill;
import io.redisbackup.apigateway.RetentionCounts;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.TimePeriod;
import io.redisbackup.restproblems.ApiProblem;

/** An instance's backup policy, as a user sets it. */
public record BackupPolicyRequest(
        @Schema(description = "Whether automatic backups run") Boolean enabled,
        @Schema(description = "The days they run; at least one when enabled", examples = "[\"MONDAY\", \"THURSDAY\"]") List<String> weekdays,
        @Schema(description = "The hour in which they start, one hour on the hour", examples = "02:00-03:00") String timePeriod,
        @Schema(description = "An IANA time zone; UTC when left out", examples = "Asia/Shanghai") String timezone,
        @Schema(description = "How long an automatic backup is kept after it finished, 1 to 730 days; 0 with a "
                + "count rule: kept by the count rules alone", examples = "7") Integer retentionDays,
        @Schema(description = "Also keep the newest N automatic backups (0 to 1000)", examples = "10") Integer keepLast,
        @Schema(description = "Also keep the newest automatic backup of each of the last N days that have one "
                + "(in the policy's time zone)", examples = "7") Integer keepDaily,
        @Schema(description = "Also keep the newest of each of the last N ISO weeks", examples = "4") Integer keepWeekly,
        @Schema(description = "Also keep the newest of each of the last N months", examples = "12") Integer keepMonthly,
        @Schema(description = "Restore drills of the instance's backups: NONE (the default), AFTER_EVERY_BACKUP "
                + "(each automatic backup), WEEKLY (the newest good backup, when none was drilled in 7 days)",
                enumeration = { "NONE", "AFTER_EVERY_BACKUP", "WEEKLY" }) String drill) {

    /** A policy kept by days alone. */
    public BackupPolicyRequest(Boolean enabled, List<String> weekdays, String timePeriod, String timezone,
            Integer retentionDays) {
        this(enabled, weekdays, timePeriod, timezone, retentionDays, null, null, null, null, null);
    }

    /** The drills asked for (NONE when left out); only once {@link #toPolicy} has found the field valid. */
    public Drill drills() {
        return drill == null ? Drill.NONE : Drill.valueOf(drill.strip().toUpperCase(Locale.ROOT));
    }

    /** The count rules; only once {@link #toPolicy} has found them valid. */
    public RetentionCounts counts() {
        return new RetentionCounts(keepLast, keepDaily, keepWeekly, keepMonthly);
    }

    /** The policy, or a 400 problem naming every invalid field (the count rules' too). */
    public BackupPolicy toPolicy() {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        if (enabled == null) {
            errors.add(new ApiProblem.FieldError("enabled", "must be true or false"));
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String day : weekdays == null ? List.<String>of() : weekdays) {
            try {
                days.add(DayOfWeek.valueOf(String.valueOf(day).strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                errors.add(new ApiProblem.FieldError("weekdays", "'" + day + "' is not a day of the week (MONDAY ... SUNDAY)"));
            }
        }
        if (Boolean.TRUE.equals(enabled) && days.isEmpty() && errors.stream().noneMatch(e -> e.field().equals("weekdays"))) {
            errors.add(new ApiProblem.FieldError("weekdays", "must name at least one day when enabled"));
        }
        TimePeriod period = null;
        try {
            period = TimePeriod.parse(timePeriod);
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError("timePeriod", e.getMessage()));
        }
        String zoneId = timezone == null || timezone.isBlank() ? "UTC" : timezone.strip();
        if (!ZoneId.getAvailableZoneIds().contains(zoneId)) {
            errors.add(new ApiProblem.FieldError("timezone", "'" + zoneId + "' is not an IANA time zone such as Asia/Shanghai"));
        }
        Map<String, Integer> rules = new LinkedHashMap<>();
        rules.put("keepLast", keepLast);
        rules.put("keepDaily", keepDaily);
        rules.put("keepWeekly", keepWeekly);
        rules.put("keepMonthly", keepMonthly);
        rules.forEach((field, count) -> {
            if (count != null && (count < 0 || count > RetentionCounts.MAX)) {
                errors.add(new ApiProblem.FieldError(field, "must be from 0 to " + RetentionCounts.MAX));
            }
        });
        if (drill != null && Arrays.stream(Drill.values()).noneMatch(d -> d.name().equalsIgnoreCase(drill.strip()))) {
            errors.add(new ApiProblem.FieldError("drill", "must be NONE, AFTER_EVERY_BACKUP or WEEKLY"));
        }
        boolean counted = rules.values().stream().anyMatch(count -> count != null && count > 0);
        if (retentionDays == null || retentionDays > BackupPolicy.MAX_RETENTION_DAYS
                || retentionDays < (counted ? 0 : BackupPolicy.MIN_RETENTION_DAYS)) {
            errors.add(new ApiProblem.FieldError("retentionDays", counted ? "must be from 0 to 730"
                    : "must be from 1 to 730 (0 only with a count rule: keepLast, keepDaily, keepWeekly, keepMonthly)"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.", errors);
        }
        return new BackupPolicy(enabled, days, period, ZoneId.of(zoneId), retentionDays);
    }
}
