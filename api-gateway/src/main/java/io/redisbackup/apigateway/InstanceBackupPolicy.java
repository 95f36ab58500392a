package io.redisbackup.apigateway;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.TimePeriod;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An instance's backup policy as stored; {@link #policy()} is its value. */
@Entity
@Table(name = "backup_policy")
public class InstanceBackupPolicy extends PanacheEntityBase {

    @Id
    @Column(name = "instance_id")
    public UUID instanceId;
    public boolean enabled;
    /** Comma-separated, e.g. {@code MONDAY,FRIDAY}. */
    public String weekdays;
    @Column(name = "start_hour")
    public int startHour;
    public String timezone;
    @Column(name = "retention_days")
    public int retentionDays;
    /** Retention by count, besides the days (null: that rule keeps nothing); see {@link RetentionCounts}. */
    @Column(name = "keep_last")
    public Integer keepLast;
    @Column(name = "keep_daily")
    public Integer keepDaily;
    @Column(name = "keep_weekly")
    public Integer keepWeekly;
    @Column(name = "keep_monthly")
    public Integer keepMonthly;
    /** When its backups get a restore drill of their own accord. */
    @Enumerated(EnumType.STRING)
    public Drill drill = Drill.NONE;
    public long revision;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public BackupPolicy policy() {
        return new BackupPolicy(enabled, BackupPolicy.weekdaysOf(weekdays), new TimePeriod(startHour),
                ZoneId.of(timezone), retentionDays);
    }

    public RetentionCounts counts() {
        return new RetentionCounts(keepLast, keepDaily, keepWeekly, keepMonthly);
    }

    public void setCounts(RetentionCounts counts) {
        keepLast = counts.keepLast();
        keepDaily = counts.keepDaily();
        keepWeekly = counts.keepWeekly();
        keepMonthly = counts.keepMonthly();
    }

    public void set(BackupPolicy policy, Instant now) {
        enabled = policy.enabled();
        weekdays = policy.weekdaysText();
        startHour = policy.timePeriod().startHour();
        timezone = policy.timezone().getId();
        retentionDays = policy.retentionDays();
        revision++;
        updatedAt = now;
    }
}
