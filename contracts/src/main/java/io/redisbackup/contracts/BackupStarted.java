package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/** The worker began to receive the instance's snapshot. */
public record BackupStarted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId) implements BackupEvent {

    public static BackupStarted of(UUID taskId, UUID instanceId, UUID backupId, Instant now) {
        return new BackupStarted(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId);
    }
}
