package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A reader found the stored backup damaged (its checksum, or a checksum of its key index, does not match): it must
 * not be recovered from or downloaded any more. {@code taskId} is the task that found it; {@code instanceId} the
 * instance the backup was taken of.
 */
public record BackupCorrupted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, TaskError error) implements BackupEvent {

    public static BackupCorrupted of(UUID taskId, UUID instanceId, UUID backupId, TaskError error, Instant now) {
        return new BackupCorrupted(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId, error);
    }
}
