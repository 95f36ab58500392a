package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.HeldRecovery;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * The way back from a whole-instance recovery: before the recovery replaces an instance's dataset, a backup of the
 * instance as it is now ({@code PRE_RECOVERY}, kept {@value #KEPT_DAYS} days). The recovery is accepted at once and
 * held: its command goes to the restore worker when that backup has succeeded, and names it, so that the task's
 * result does; if the backup fails, the recovery fails with {@code SAFETY_BACKUP_FAILED} and nothing was changed.
 */
@ApplicationScoped
public class SafetyBackups {

    private static final Logger LOG = Logger.getLogger(SafetyBackups.class);

    /** How long a safety backup is kept. */
    public static final int KEPT_DAYS = 7;
    public static final String FAILED = "SAFETY_BACKUP_FAILED";

    private final TaskAcceptance acceptance;
    private final Outbox outbox;
    private final Clock clock;

    public SafetyBackups(TaskAcceptance acceptance, Outbox outbox, Clock clock) {
        this.acceptance = acceptance;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Accepts the recovery of {@code target} from the backup, held behind a backup of the target taken first; the
     * safety backup's id.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID recoverAfterBackup(UUID taskId, Instance target, UUID backupId, UUID sourceInstanceId) {
        Instant now = clock.instant();
        Backup safety = Backup.requested(target, BackupType.PRE_RECOVERY, Trigger.MANUAL, KEPT_DAYS, now);
        acceptance.accept(TakeBackupCommand.of(safety.taskId, target.id, safety.id, BackupType.PRE_RECOVERY,
                Trigger.MANUAL, target.endpoint(), target.sourceCare(), now), target.project);

        RecoverInstanceCommand recovery = RecoverInstanceCommand.of(taskId, target.id, backupId, sourceInstanceId,
                target.endpoint(), safety.id, now);
        acceptance.hold(recovery, target.project, "Waiting for backup " + safety.id + " of the instance as it is "
                + "now (task " + safety.taskId + "): the way back, taken before its dataset is replaced.");
        HeldRecovery held = new HeldRecovery();
        held.taskId = taskId;
        held.instanceId = target.id;
        held.safetyBackupId = safety.id;
        held.project = target.project;
        held.command = MessageCodec.toJson(recovery);
        held.heldAt = now;
        held.persist();
        LOG.infof("Recovery %s of instance %s held until its safety backup %s has succeeded", taskId, target.id,
                safety.id);
        return safety.id;
    }

    /**
     * What a safety backup's end means for the recovery held behind it: the recovery goes ahead when the backup
     * succeeded, and fails, nothing changed, when it failed. Called in the transaction that records the backup's end.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void backupEnded(Backup backup) {
        if (backup.type != BackupType.PRE_RECOVERY || backup.status == BackupStatus.PENDING
                || backup.status == BackupStatus.RUNNING) {
            return;
        }
        HeldRecovery held = HeldRecovery.ofSafetyBackup(backup.id);
        if (held == null) {
            return;
        }
        held.delete();
        RestoreWorkerCommand recovery = MessageCodec.fromJson(held.command, RestoreWorkerCommand.class);
        if (backup.status == BackupStatus.SUCCEEDED) {
            outbox.append(Topics.RESTORE_COMMANDS, recovery);
            LOG.infof("Safety backup %s succeeded: recovery %s goes ahead", backup.id, held.taskId);
            return;
        }
        TaskError error = new TaskError(FAILED, "The backup of the instance as it was, to be taken before its "
                + "dataset is replaced, did not succeed (" + backup.errorCode + ": " + backup.errorMessage
                + "); nothing was changed. Ask again, or with \"safetyBackup\": false to recover without it.");
        outbox.append(Topics.TASK_STATUS, TaskStatusChanged.of(held.taskId, held.instanceId,
                TaskStatusChanged.ACCEPTED_SEQUENCE + 1, TaskType.RECOVER_INSTANCE, recovery.backupId(), Trigger.MANUAL,
                TaskStatus.FAILED, clock.instant()).withError(error).withProject(held.project)
                .withResult(Map.of("safetyBackupId", backup.id.toString())));
        Instance target = Instance.findById(held.instanceId, LockModeType.PESSIMISTIC_WRITE);
        if (target != null && held.taskId.equals(target.activeRecoveryTaskId)) {
            target.activeRecoveryTaskId = null;
        }
        LOG.warnf("Safety backup %s is %s: recovery %s failed, nothing changed", backup.id, backup.status,
                held.taskId);
    }
}
