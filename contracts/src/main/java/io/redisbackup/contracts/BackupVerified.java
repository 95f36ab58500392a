package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A restore drill's verdict on a backup: {@code passed} when a scratch {@code redis-server} loaded it and held every
 * key its index names, with the same values; else {@code error} says what was wrong. A backup found damaged is also
 * reported {@link BackupCorrupted}. {@code taskId} is the drill's task.
 */
public record BackupVerified(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, boolean passed, TaskError error) implements BackupEvent {

    public static BackupVerified of(UUID taskId, UUID instanceId, UUID backupId, TaskError error, Instant now) {
        return new BackupVerified(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId,
                error == null, error);
    }
}
