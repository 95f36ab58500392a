package io.redisbackup.apigateway.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Accepting recoveries. A recovery replaces data, so it is accepted only from a backup of the instance that
 * succeeded, confirmed with the password of the instance whose data it replaces, and one at a time per instance.
 */
@ApplicationScoped
public class RecoveryService {

    private static final Logger LOG = Logger.getLogger(RecoveryService.class);

    private final InstanceService instances;
    private final BackupService backups;
    private final Caller caller;
    private final FailureWindow wrongPasswords;
    private final TaskAcceptance acceptance;
    private final Clock clock;
    private final int maxMatchedKeys;
    private final SafetyBackups safetyBackups;

    public RecoveryService(InstanceService instances, BackupService backups, Caller caller,
            GatewayConfig config, TaskAcceptance acceptance, SafetyBackups safetyBackups, Clock clock) {
        this.safetyBackups = safetyBackups;
        this.instances = instances;
        this.backups = backups;
        this.caller = caller;
        this.wrongPasswords = new FailureWindow(config.passwordAttempts().max(), config.passwordAttempts().window(),
                clock);
        this.acceptance = acceptance;
        this.clock = clock;
        this.maxMatchedKeys = config.recoveryMaxKeys();
    }

    /**
     * The task that recovers {@code targetId} (by default the instance itself) from the backup: the whole dataset
     * when {@code keys} is null (after a backup of the target as it is now, when {@code safetyBackup}), else only
     * those keys. The caller must see the instance, the backup and the target
     * (so recovering into another instance needs rights on the projects of both), and give the target's password.
     */
    @Transactional
    public UUID recover(UUID instanceId, UUID backupId, String password, UUID targetId, KeysWanted keys,
            boolean safetyBackup) {
        instances.find(instanceId);
        Instance target = instances.findForUpdate(targetId);
        recoverable(instanceId, backupId);
        checkPassword(target, password);
        if (target.activeRecoveryTaskId != null) {
            throw ApiProblem.conflict("RECOVERY_IN_PROGRESS", "Instance " + targetId + " is being recovered (task "
                    + target.activeRecoveryTaskId + "); ask again when that recovery has ended.");
        }

        Instant now = clock.instant();
        UUID taskId = UUID.randomUUID();
        target.activeRecoveryTaskId = taskId;
        if (keys == null && safetyBackup) {
            UUID safety = safetyBackups.recoverAfterBackup(taskId, target, backupId, instanceId);
            LOG.infof("Recovery of every key of instance %s from backup %s requested (task %s), after backup %s",
                    targetId, backupId, taskId, safety);
            return taskId;
        }
        acceptance.accept(keys == null
                ? RecoverInstanceCommand.of(taskId, targetId, backupId, instanceId, target.endpoint(), now)
                : RecoverKeysCommand.of(taskId, targetId, backupId, instanceId, target.endpoint(),
                        new RecoverKeysCommand.Selection(keys.keys(), keys.patterns(), keys.databases(),
                                maxMatchedKeys), now),
                target.project);
        LOG.infof("Recovery of %s of instance %s from backup %s requested (task %s)", keys == null ? "every key"
                : keys.keys().size() + " keys and " + keys.patterns().size() + " patterns", targetId, backupId, taskId);
        return taskId;
    }

    /** The backup, if a recovery of the instance may use it: one of the instance's, and SUCCEEDED. */
    public Backup recoverable(UUID instanceId, UUID backupId) {
        Backup backup = backups.find(backupId);
        if (!backup.instanceId.equals(instanceId)) {
            throw new ApiProblem(422, "BACKUP_OF_ANOTHER_INSTANCE", "Backup of another instance",
                    "Backup " + backupId + " was taken of another instance; recover from one of instance " + instanceId + ".");
        }
        if (backup.status != BackupStatus.SUCCEEDED) {
            throw ApiProblem.conflict("BACKUP_NOT_AVAILABLE", "Backup " + backupId + " is " + backup.status
                    + "; only a SUCCEEDED backup can be recovered from.");
        }
        return backup;
    }

    /** Wrong passwords are counted per caller and instance: nobody can lock the owner out by guessing. */
    private void checkPassword(Instance target, String password) {
        String attempt = caller.principal() + " " + target.id;
        Duration blocked = wrongPasswords.blockedFor(attempt).orElse(null);
        if (blocked != null) {
            throw ApiProblem.tooManyRequests("TOO_MANY_PASSWORD_ATTEMPTS",
                    "Too many wrong passwords for this instance.", blocked);
        }
        byte[] expected = instances.storedPassword(target).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8))) {
            wrongPasswords.failed(attempt);
            LOG.infof("Wrong recovery password for instance %s", target.id);
            throw new ApiProblem(403, "WRONG_PASSWORD", "Wrong password",
                    "The password is not the instance's; nothing was done.");
        }
        wrongPasswords.succeeded(attempt);
    }
}
