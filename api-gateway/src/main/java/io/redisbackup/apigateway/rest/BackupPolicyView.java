package io.redisbackup.apigateway.rest;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;

import io.redisbackup.apigateway.Drill;
import io.redisbackup.apigateway.InstanceBackupPolicy;
import io.redisbackup.contracts.BackupPolicy;

/** An instance's backup policy as the API shows it. */
public record BackupPolicyView(boolean enabled, List<DayOfWeek> weekdays, String timePeriod, String timezone,
        int retentionDays, Integer keepLast, Integer keepDaily, Integer keepWeekly, Integer keepMonthly, Drill drill,
        Instant updatedAt) {

    static BackupPolicyView of(InstanceBackupPolicy stored) {
        BackupPolicy policy = stored.policy();
        return new BackupPolicyView(policy.enabled(), List.copyOf(policy.weekdays()), policy.timePeriod().toString(),
                policy.timezone().getId(), policy.retentionDays(), stored.keepLast, stored.keepDaily,
                stored.keepWeekly, stored.keepMonthly, stored.drill, stored.updatedAt);
    }
}
