package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/** The backup could not be taken; nothing of it is stored. */
public record BackupFailed(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, TaskError error) implements BackupEvent {

    public static BackupFailed of(UUID taskId, UUID instanceId, UUID backupId, TaskError error, Instant now) {
        return new BackupFailed(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId, error);
    }
}
