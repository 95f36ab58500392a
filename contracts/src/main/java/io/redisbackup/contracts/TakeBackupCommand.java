package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/** Take a backup of the instance at {@code endpoint}; the backup gets the id {@code backupId}. */
public record TakeBackupCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, BackupType backupType, Trigger trigger, RedisEndpoint endpoint) implements BackupWorkerCommand {

    public static TakeBackupCommand of(UUID taskId, UUID instanceId, UUID backupId, BackupType backupType,
            Trigger trigger, RedisEndpoint endpoint, Instant now) {
        return new TakeBackupCommand(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId, backupType,
                trigger, endpoint);
    }
}
