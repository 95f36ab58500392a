package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/** The backup's data is gone from storage. */
public record BackupDeleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId) implements BackupEvent {

    public static BackupDeleted of(UUID taskId, UUID instanceId, UUID backupId, Instant now) {
        return new BackupDeleted(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId);
    }
}
