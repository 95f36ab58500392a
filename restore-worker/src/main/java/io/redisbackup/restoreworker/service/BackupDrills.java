package io.redisbackup.restoreworker.service;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.BackupVerified;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.VerifyBackupCommand;
import io.redisbackup.restoreworker.recovery.BackupDrill;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.taskexecution.Attempt;
import io.redisbackup.taskexecution.EventPublisher;
import io.redisbackup.taskexecution.Retries;
import io.redisbackup.taskexecution.TaskExecution;
import io.redisbackup.taskexecution.TaskExecutionConfig;
import io.redisbackup.taskexecution.TaskLedger;
import io.redisbackup.taskexecution.TaskReporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Carries out restore drills ({@link BackupDrill}) as VERIFY_BACKUP tasks. The verdict goes to the backup catalogue
 * ({@link BackupVerified}); a backup found damaged is also reported {@link BackupCorrupted}, so that nobody recovers
 * from it. A drill refused before it began (not enough memory, a redis-server too old) says nothing of the backup.
 * No instance is touched, so a drill takes no instance's lease. A worker runs one drill at a time, whatever its
 * concurrency: each starts a redis-server of the backup's size, weighed against the memory free when it starts.
 */
@ApplicationScoped
public class BackupDrills {

    private static final Logger LOG = Logger.getLogger(BackupDrills.class);

    private final TaskLedger ledger;
    private final BackupStore store;
    private final BackupDrill drill;
    private final EventPublisher events;
    private final Clock clock;
    private final int maxAttempts;
    private final java.util.concurrent.Semaphore oneAtATime = new java.util.concurrent.Semaphore(1, true);

    public BackupDrills(TaskLedger ledger, BackupStore store, BackupDrill drill, EventPublisher events, Clock clock,
            TaskExecutionConfig execution) {
        this.ledger = ledger;
        this.store = store;
        this.drill = drill;
        this.events = events;
        this.clock = clock;
        this.maxAttempts = execution.maxAttempts();
    }

    public void verify(VerifyBackupCommand command) {
        ledger.<RuntimeException>carryOut(command, this::settle, attempt -> verify(command, attempt));
    }

    private void verify(VerifyBackupCommand command, Attempt attempt) {
        TaskReporter task = TaskReporter.of(events, clock, command, attempt.number());
        if (!oneAtATime.tryAcquire()) {
            task.delayed("Another restore drill runs in this worker; this one starts when it ends.");
            oneAtATime.acquireUninterruptibly();
        }
        try {
            drill(command, attempt, task);
        } finally {
            oneAtATime.release();
        }
    }

    private void drill(VerifyBackupCommand command, Attempt attempt, TaskReporter task) {
        task.running("starting a restore drill of backup " + command.backupId());
        try {
            Manifest manifest = StoredManifests.of(store, command.instanceId(), command.backupId());
            BackupDrill.Outcome outcome = drill.run(manifest, step -> {
                attempt.ensureHeld();
                task.progress(null, step);
            });
            attempt.renew(); // a lost attempt's end is reported by the worker that declared it lost
            events.publish(Topics.BACKUP_EVENTS, BackupVerified.of(command.taskId(), command.instanceId(),
                    command.backupId(), null, clock.instant()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("backupId", command.backupId().toString());
            result.put("verified", true);
            result.put("keysChecked", outcome.keysChecked());
            result.put("keysNearOrPastExpiry", outcome.keysExpired());
            result.put("keysPerDatabase", outcome.keysPerDatabase());
            result.put("redisVersion", outcome.redisVersion());
            result.put("loadMillis", outcome.loadMillis());
            result.put("checkMillis", outcome.checkMillis());
            task.succeeded(Progress.ofKeys(outcome.keysChecked(), outcome.keysChecked()), result);
            attempt.finish(TaskExecution.Status.SUCCEEDED);
            LOG.infof("Backup %s passed its restore drill: %d keys checked", command.backupId(), outcome.keysChecked());
        } catch (RecoveryFailure failure) {
            Attempt.rethrowIfFenced(failure);
            fail(command, task, attempt, new TaskError(failure.code(), failure.getMessage()));
        }
    }

    private void fail(VerifyBackupCommand command, TaskReporter task, Attempt attempt, TaskError error) {
        attempt.renew();
        if (RecoveryFailure.BACKUP_CORRUPT.equals(error.code())) {
            events.publish(Topics.BACKUP_EVENTS, BackupCorrupted.of(command.taskId(), command.instanceId(),
                    command.backupId(), error, clock.instant()));
        }
        boolean refused = BackupDrill.NOT_ENOUGH_MEMORY.equals(error.code())
                || BackupDrill.REDIS_TOO_OLD.equals(error.code());
        if (!refused) {
            events.publish(Topics.BACKUP_EVENTS, BackupVerified.of(command.taskId(), command.instanceId(),
                    command.backupId(), error, clock.instant()));
        }
        task.failed(error, Map.of("backupId", command.backupId().toString(), "verified", false));
        attempt.finish(TaskExecution.Status.FAILED);
        LOG.warnf("Restore drill of backup %s failed: %s", command.backupId(), error.message());
    }

    /** A drill whose worker was lost is reported FAILED (the backup's verdict is left as it was). */
    void onLost(@Observes TaskLedger.LostTask lost) {
        if (lost.execution().taskType == TaskType.VERIFY_BACKUP) {
            settle(lost.execution());
        }
    }

    private void settle(TaskExecution lost) {
        TaskReporter.forLost(events, clock, lost).failed(Retries.lost(lost, maxAttempts));
        ledger.settled(lost.taskId, TaskExecution.Status.FAILED);
    }
}
