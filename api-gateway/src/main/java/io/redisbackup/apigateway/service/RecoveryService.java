package io.redisbackup.apigateway.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.contracts.secret.SealedSecret;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.outbox.Outbox;
import io.redisbackup.problems.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Accepting recoveries. A recovery replaces data, so it is accepted only from a backup of the instance that
 * succeeded, confirmed with the password of the instance whose data it replaces, and one at a time per instance.
 */
@ApplicationScoped
public class RecoveryService {

    private static final Logger LOG = Logger.getLogger(RecoveryService.class);
    private static final long ACCEPTED_SEQUENCE = 1;

    private final SecretCipher cipher;
    private final PasswordAttempts attempts;
    private final Outbox outbox;
    private final Clock clock;

    public RecoveryService(SecretCipher cipher, PasswordAttempts attempts, Outbox outbox, Clock clock) {
        this.cipher = cipher;
        this.attempts = attempts;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * The task that recovers {@code targetId} (by default the instance itself) from the backup: the whole dataset
     * when {@code keys} is null, else only those keys.
     */
    @Transactional
    public UUID recover(UUID instanceId, UUID backupId, String password, UUID targetId, List<byte[]> keys) {
        Instance instance = Instance.findById(instanceId);
        if (instance == null) {
            throw ApiProblem.notFound("instance", instanceId);
        }
        Instance target = Instance.findById(targetId, LockModeType.PESSIMISTIC_WRITE);
        if (target == null) {
            throw ApiProblem.notFound("instance", targetId);
        }
        Backup backup = Backup.findById(backupId);
        if (backup == null) {
            throw ApiProblem.notFound("backup", backupId);
        }
        if (!backup.instanceId.equals(instanceId)) {
            throw new ApiProblem(422, "BACKUP_OF_ANOTHER_INSTANCE", "Backup of another instance",
                    "Backup " + backupId + " was taken of another instance; recover from one of instance " + instanceId + ".");
        }
        if (backup.status != BackupStatus.SUCCEEDED) {
            throw ApiProblem.conflict("BACKUP_NOT_AVAILABLE", "Backup " + backupId + " is " + backup.status
                    + "; only a SUCCEEDED backup can be recovered from.");
        }
        checkPassword(target, password);
        if (target.activeRecoveryTaskId != null) {
            throw ApiProblem.conflict("RECOVERY_IN_PROGRESS", "Instance " + targetId + " is being recovered (task "
                    + target.activeRecoveryTaskId + "); ask again when that recovery has ended.");
        }

        Instant now = clock.instant();
        UUID taskId = UUID.randomUUID();
        target.activeRecoveryTaskId = taskId;
        TaskType type = keys == null ? TaskType.RECOVER_INSTANCE : TaskType.RECOVER_KEYS;
        outbox.append(Topics.TASK_STATUS, TaskStatusChanged.of(taskId, targetId, ACCEPTED_SEQUENCE, type, backupId,
                Trigger.MANUAL, TaskStatus.PENDING, now));
        outbox.append(Topics.RESTORE_COMMANDS, keys == null
                ? RecoverInstanceCommand.of(taskId, targetId, backupId, instanceId, target.endpoint(), now)
                : RecoverKeysCommand.of(taskId, targetId, backupId, instanceId, target.endpoint(), keys, now));
        LOG.infof("Recovery of %s of instance %s from backup %s requested (task %s)",
                keys == null ? "every key" : keys.size() + " keys", targetId, backupId, taskId);
        return taskId;
    }

    private void checkPassword(Instance target, String password) {
        Duration blocked = attempts.blockedFor(target.id).orElse(null);
        if (blocked != null) {
            throw new TooManyAttempts(blocked);
        }
        byte[] expected = cipher.open(new SealedSecret(target.passwordSealed)).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8))) {
            attempts.failed(target.id);
            LOG.infof("Wrong recovery password for instance %s", target.id);
            throw new ApiProblem(403, "WRONG_PASSWORD", "Wrong password",
                    "The password is not the instance's; nothing was done.");
        }
        attempts.succeeded(target.id);
    }

    /** Too many wrong passwords for an instance: 429, and when to try again. */
    public static final class TooManyAttempts extends ApiProblem {
        private final Duration retryAfter;

        TooManyAttempts(Duration retryAfter) {
            super(429, "TOO_MANY_PASSWORD_ATTEMPTS", "Too many attempts",
                    "Too many wrong passwords for this instance; try again in " + Math.max(1, retryAfter.toSeconds())
                            + " seconds.");
            this.retryAfter = retryAfter;
        }

        @Override
        public java.util.Map<String, String> headers() {
            return java.util.Map.of("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
    }
}
