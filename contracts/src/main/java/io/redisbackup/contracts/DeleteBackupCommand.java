package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/** Delete a backup's data from storage. */
public record DeleteBackupCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, Trigger trigger) implements BackupWorkerCommand {

    public static DeleteBackupCommand of(UUID taskId, UUID instanceId, UUID backupId, Trigger trigger, Instant now) {
        return new DeleteBackupCommand(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId, trigger);
    }
}
