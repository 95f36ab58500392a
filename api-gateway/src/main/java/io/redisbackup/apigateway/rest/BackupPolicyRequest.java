package io.redisbackup.apigateway.rest;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.TimePeriod;
import io.redisbackup.restproblems.ApiProblem;

/** An instance's backup policy, as a user sets it. */
public record BackupPolicyRequest(
        @Schema(description = "Whether automatic backups run") Boolean enabled,
        @Schema(description = "The days they run; at least one when enabled", examples = "[\"MONDAY\", \"THURSDAY\"]") List<String> weekdays,
        @Schema(description = "The hour in which they start, one hour on the hour", examples = "02:00-03:00") String timePeriod,
        @Schema(description = "An IANA time zone; UTC when left out", examples = "Asia/Shanghai") String timezone,
        @Schema(description = "How long an automatic backup is kept after it finished, 1 to 730 days", examples = "7") Integer retentionDays) {

    /** The policy, or a 400 problem naming every invalid field. */
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
        if (retentionDays == null || retentionDays < BackupPolicy.MIN_RETENTION_DAYS
                || retentionDays > BackupPolicy.MAX_RETENTION_DAYS) {
            errors.add(new ApiProblem.FieldError("retentionDays", "must be from 1 to 730"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.", errors);
        }
        return new BackupPolicy(enabled, days, period, ZoneId.of(zoneId), retentionDays);
    }
}
