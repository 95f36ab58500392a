package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Take a backup of the instance at {@code endpoint}; the backup gets the id {@code backupId}. {@code care} says how
 * gently (none from a sender of the release before; see {@link #careOrNone}); a command that carries it is of schema
 * version 3 ({@link Message#SOURCE_CARE_SCHEMA_VERSION}).
 */
public record TakeBackupCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, BackupType backupType, Trigger trigger, RedisEndpoint endpoint, SourceCare care)
        implements BackupWorkerCommand {

    public static TakeBackupCommand of(UUID taskId, UUID instanceId, UUID backupId, BackupType backupType,
            Trigger trigger, RedisEndpoint endpoint, SourceCare care, Instant now) {
        boolean careful = care != null && care.isSet();
        return new TakeBackupCommand(
                RedisEndpoint.schemaVersion(endpoint, careful ? SOURCE_CARE_SCHEMA_VERSION : SCHEMA_VERSION),
                UUID.randomUUID(), taskId,
                instanceId, now, backupId, backupType, trigger, endpoint, careful ? care : null);
    }

    /** How gently to take the snapshot; never null. */
    public SourceCare careOrNone() {
        return SourceCare.orNone(care);
    }
}
