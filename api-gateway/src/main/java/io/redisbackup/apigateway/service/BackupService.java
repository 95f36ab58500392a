package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.panache.common.Sort;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.Drill;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.InstanceBackupPolicy;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.BackupDeleted;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.BackupScheduled;
import io.redisbackup.contracts.BackupStarted;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.BackupVerified;
import io.redisbackup.contracts.DeleteBackupCommand;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.contracts.VerifyBackupCommand;
import io.redisbackup.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Asking for backups and their deletion, and keeping the catalogue in step with what the backup worker reports.
 * A request is accepted only once its catalogue row and its command are committed together (through the outbox).
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final InstanceService instances;
    private final Caller caller;
    private final TaskAcceptance acceptance;
    private final Outbox outbox;
    private final SafetyBackups safetyBackups;
    private final Clock clock;

    public BackupService(InstanceService instances, Caller caller, TaskAcceptance acceptance, Outbox outbox,
            SafetyBackups safetyBackups, Clock clock) {
        this.instances = instances;
        this.safetyBackups = safetyBackups;
        this.caller = caller;
        this.acceptance = acceptance;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * A manual backup; refused (409, naming its task) while another manual backup of the instance is under way.
     * {@code maxBytesPerSecond}: this backup's own rate limit, instead of the instance's (null: the instance's).
     */
    @Transactional
    public Backup requestManualBackup(UUID instanceId, Integer retentionDays, Long maxBytesPerSecond) {
        Instance instance = instances.findForUpdate(instanceId);
        Backup underWay = Backup.find("instanceId = ?1 and type = ?2 and status in ?3", instance.id, BackupType.MANUAL,
                List.of(BackupStatus.PENDING, BackupStatus.RUNNING)).firstResult();
        if (underWay != null) {
            throw ApiProblem.busy("BACKUP_IN_PROGRESS", "A manual backup of instance " + instance.id + " is "
                    + underWay.status + " (task " + underWay.taskId + "); ask again when it has ended.", underWay.taskId);
        }
        Instant now = clock.instant();
        Backup backup = Backup.requested(instance, BackupType.MANUAL, Trigger.MANUAL, retentionDays, now);

        acceptance.accept(TakeBackupCommand.of(backup.taskId, instance.id, backup.id, BackupType.MANUAL,
                Trigger.MANUAL, instance.endpoint(), instance.sourceCare().withMaxBytesPerSecond(maxBytesPerSecond),
                now), backup.project);
        LOG.infof("Backup %s of instance %s requested (task %s)", backup.id, instance.id, backup.taskId);
        return backup;
    }

    /** A caller's restore drill of a backup it can see; only a SUCCEEDED backup can be drilled. */
    @Transactional
    public UUID requestVerification(UUID backupId) {
        Backup backup = findForUpdate(backupId);
        if (backup.status != BackupStatus.SUCCEEDED) {
            throw ApiProblem.conflict("BACKUP_NOT_AVAILABLE", "Backup " + backupId + " is " + backup.status
                    + "; only a SUCCEEDED backup can be drilled.");
        }
        return requestDrill(backup, Trigger.MANUAL);
    }

    /** A scheduled drill of the instance's newest good backup, if it has one; whether one was asked for. */
    @Transactional
    public boolean drillNewest(UUID instanceId) {
        Backup newest = Backup.find("instanceId = ?1 and status = ?2",
                Sort.descending("finishedAt").and("id"), instanceId,
                BackupStatus.SUCCEEDED).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (newest == null) {
            return false;
        }
        requestDrill(newest, Trigger.SCHEDULED);
        return true;
    }

    /** Asks the restore worker for a drill of the backup; the drill's task. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID requestDrill(Backup backup, Trigger trigger) {
        Instant now = clock.instant();
        backup.verifyTaskId = UUID.randomUUID();
        backup.verifyRequestedAt = now;
        acceptance.accept(VerifyBackupCommand.of(backup.verifyTaskId, backup.instanceId, backup.id, trigger, now),
                backup.project);
        LOG.infof("Restore drill of backup %s requested (task %s, %s)", backup.id, backup.verifyTaskId, trigger);
        return backup.verifyTaskId;
    }

    /** A caller's deletion of a backup it can see. */
    @Transactional
    public UUID requestDeletion(UUID backupId) {
        return delete(findForUpdate(backupId), Trigger.MANUAL);
    }

    /** The deletion of an expired backup, by the retention rules. */
    @Transactional
    public UUID expire(UUID backupId) {
        Backup backup = Backup.findById(backupId, LockModeType.PESSIMISTIC_WRITE);
        return backup == null || !backup.status.canTransitionTo(BackupStatus.DELETING) ? null
                : delete(backup, Trigger.SCHEDULED);
    }

    private UUID delete(Backup backup, Trigger trigger) {
        UUID backupId = backup.id;
        if (!backup.status.canTransitionTo(BackupStatus.DELETING)) {
            throw ApiProblem.conflict("BACKUP_BUSY", "Backup " + backupId + " is " + backup.status
                    + "; it can be deleted once that has ended.");
        }
        Instant now = clock.instant();
        backup.status = BackupStatus.DELETING;
        backup.deleteTaskId = UUID.randomUUID();
        acceptance.accept(DeleteBackupCommand.of(backup.deleteTaskId, backup.instanceId, backup.id, trigger, now),
                backup.project);
        LOG.infof("Deletion of backup %s requested (task %s)", backup.id, backup.deleteTaskId);
        return backup.deleteTaskId;
    }

    private void addScheduled(BackupScheduled scheduled) {
        Backup backup = new Backup();
        backup.id = scheduled.backupId();
        backup.taskId = scheduled.taskId();
        backup.instanceId = scheduled.instanceId();
        Instance instance = Instance.findById(scheduled.instanceId());
        backup.project = instance != null ? instance.project : ProjectNames.DEFAULT;
        backup.type = BackupType.AUTOMATIC;
        backup.trigger = Trigger.SCHEDULED;
        backup.status = BackupStatus.PENDING;
        backup.retentionDays = scheduled.retentionDays();
        backup.createdAt = scheduled.occurredAt();
        backup.persist();
        LOG.infof("Automatic backup %s of instance %s scheduled (task %s)", backup.id, backup.instanceId, backup.taskId);
    }

    /** The backup, if the caller may see it; else 404, as for one that does not exist. */
    public Backup find(UUID backupId) {
        return visible(Backup.findById(backupId), backupId);
    }

    private Backup findForUpdate(UUID backupId) {
        return visible(Backup.findById(backupId, LockModeType.PESSIMISTIC_WRITE), backupId);
    }

    /** A download found the backup's data damaged: it is CORRUPT from now on. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void markCorrupt(UUID backupId, TaskError error) {
        Backup backup = Backup.findById(backupId, LockModeType.PESSIMISTIC_WRITE);
        if (backup != null) {
            markCorrupt(backup, error);
        }
    }

    private static void markCorrupt(Backup backup, TaskError error) {
        if (backup.status.canTransitionTo(BackupStatus.CORRUPT)) {
            backup.status = BackupStatus.CORRUPT;
            failedWith(backup, error, null);
            LOG.warnf("Backup %s is CORRUPT: %s", backup.id, error.message());
        }
    }

    private Backup visible(Backup backup, UUID backupId) {
        caller.visible(backup, backup == null ? null : backup.project, "backup", backupId);
        caller.about(backup.instanceId, backup.id, backup.project);
        return backup;
    }

    /**
     * Applies what the backup worker (or a reader that found damage) reports, through {@link BackupStatus}'s table:
     * a repeated or late event changes nothing.
     */
    @Transactional
    public void apply(BackupEvent event) {
        Backup backup = Backup.findById(event.backupId());
        if (event instanceof BackupScheduled scheduled) {
            if (backup == null) {
                addScheduled(scheduled);
            }
            return;
        }
        if (backup == null) {
            LOG.debugf("Event for unknown backup %s ignored", event.backupId());
            return;
        }
        if (event instanceof BackupDeleted) {
            backup.delete();
            LOG.infof("Backup %s deleted", backup.id);
            return;
        }
        if (event instanceof BackupVerified verified) {
            if (backup.verifiedAt == null || !verified.occurredAt().isBefore(backup.verifiedAt)) {
                backup.verification = verified.passed() ? "PASSED" : "FAILED";
                backup.verifiedAt = verified.occurredAt();
                backup.verificationError = verified.error() == null ? null
                        : verified.error().code() + ": " + verified.error().message();
                LOG.infof("Backup %s %s its restore drill", backup.id, verified.passed() ? "passed" : "failed");
            }
            return;
        }
        BackupStatus next = BackupStatus.after(event);
        if (!backup.status.canTransitionTo(next)) {
            LOG.debugf("Backup %s is %s; %s ignored", backup.id, backup.status, event.getClass().getSimpleName());
            return;
        }
        backup.status = next;
        switch (event) {
            case BackupStarted started -> backup.startedAt = started.occurredAt();
            case BackupCompleted done -> {
                backup.startedAt = done.startedAt();
                backup.finishedAt = done.finishedAt();
                backup.sizeBytes = done.sizeBytes();
                backup.storedBytes = done.storedBytes();
                backup.keyCount = done.keyCount();
                backup.sha256 = done.sha256();
                backup.shardsJson = done.shards() == null ? null : MessageCodec.shardsToJson(done.shards());
                backup.redisVersion = done.redisVersion();
                backup.rdbVersion = done.rdbVersion();
                backup.expiresAt = backup.retentionDays == null ? null
                        : done.finishedAt().plus(Duration.ofDays(backup.retentionDays));
            }
            case BackupFailed failed -> failedWith(backup, failed.error(), failed.occurredAt());
            case BackupCorrupted corrupted -> {
                failedWith(backup, corrupted.error(), null);
                LOG.warnf("Backup %s is CORRUPT: %s", backup.id, corrupted.error().message());
            }
            case BackupScheduled scheduled -> throw new IllegalStateException("handled above");
            case BackupDeleted deleted -> throw new IllegalStateException("handled above");
            case BackupVerified verified -> throw new IllegalStateException("handled above");
        }
        LOG.infof("Backup %s is %s", backup.id, next);
        safetyBackups.backupEnded(backup);
        if (event instanceof BackupCompleted && backup.type == BackupType.AUTOMATIC) {
            InstanceBackupPolicy policy = InstanceBackupPolicy.findById(backup.instanceId);
            if (policy != null && policy.drill == Drill.AFTER_EVERY_BACKUP) {
                requestDrill(backup, Trigger.SCHEDULED);
            }
        }
    }

    private static void failedWith(Backup backup, TaskError error, java.time.Instant finishedAt) {
        if (finishedAt != null) {
            backup.finishedAt = finishedAt;
        }
        backup.errorCode = error.code();
        backup.errorMessage = error.message();
    }
}
