package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A restore drill: load the backup ({@code backupId}, of instance {@code instanceId}) into a scratch
 * {@code redis-server} the restore worker starts for it alone, check it against the backup's key index, and report
 * whether the backup can be restored ({@link BackupVerified}). Nothing is sent to the instance. Idempotent by task id.
 */
public record VerifyBackupCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, Trigger trigger) implements RestoreWorkerCommand {

    public static VerifyBackupCommand of(UUID taskId, UUID instanceId, UUID backupId, Trigger trigger, Instant now) {
        return new VerifyBackupCommand(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId,
                trigger);
    }
}
