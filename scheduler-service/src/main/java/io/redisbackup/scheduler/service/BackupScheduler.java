package io.redisbackup.scheduler.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.redisbackup.contracts.BackupScheduled;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.outbox.Outbox;
import io.redisbackup.scheduler.ScheduledPolicy;
import io.redisbackup.scheduler.config.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One ticker over the policies: each tick asks {@link BackupWindows} whether an instance's backup is due, and
 * fires it. Firing records the window (instance, local day) and sends the task's PENDING status, the
 * BackupScheduled event and the backup command in one transaction; the window's key makes a second firing of the
 * same day, by another replica or after a restart, a no-op that sends nothing.
 */
@ApplicationScoped
public class BackupScheduler {

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);

    private final Outbox outbox;
    private final SchedulerConfig config;
    private final Clock clock;

    public BackupScheduler(Outbox outbox, SchedulerConfig config, Clock clock) {
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${scheduler.tick-interval:10s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        fireDueBackups();
    }

    /** Fires every backup due now; returns how many this call fired. */
    public int fireDueBackups() {
        Instant now = clock.instant();
        List<ScheduledPolicy> policies = QuarkusTransaction.requiringNew().call(
                () -> ScheduledPolicy.<ScheduledPolicy>list("enabled", true));
        int fired = 0;
        for (ScheduledPolicy policy : policies) {
            Optional<BackupWindows.Window> due = BackupWindows.due(policy.policy(), policy.instanceId, now,
                    config.maxSpread());
            if (due.isPresent() && QuarkusTransaction.requiringNew().call(() -> fire(policy, due.get(), now))) {
                fired++;
            }
        }
        return fired;
    }

    private boolean fire(ScheduledPolicy policy, BackupWindows.Window window, Instant now) {
        UUID taskId = UUID.randomUUID();
        UUID backupId = UUID.randomUUID();
        int inserted = Panache.getEntityManager().createNativeQuery("insert into {h-schema}fired_window "
                + "(instance_id, day, task_id, backup_id, fired_at) values (?1, ?2, ?3, ?4, ?5) on conflict do nothing")
                .setParameter(1, policy.instanceId).setParameter(2, window.day()).setParameter(3, taskId)
                .setParameter(4, backupId).setParameter(5, now).executeUpdate();
        if (inserted == 0) {
            return false; // fired already, here or by another replica
        }
        outbox.append(Topics.BACKUP_EVENTS, BackupScheduled.of(taskId, policy.instanceId, backupId,
                policy.retentionDays, now));
        outbox.accept(TakeBackupCommand.of(taskId, policy.instanceId, backupId, BackupType.AUTOMATIC,
                Trigger.SCHEDULED, policy.endpoint(), policy.care(), now), policy.project, "Scheduled for " + window.day() + ", "
                        + policy.policy().timePeriod() + " " + policy.timezone);
        LOG.infof("Automatic backup %s of instance %s fired for %s (task %s)", backupId, policy.instanceId,
                window.day(), taskId);
        return true;
    }
}
