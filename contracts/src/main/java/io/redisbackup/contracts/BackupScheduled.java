package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The scheduler has fired an automatic backup: the gateway adds it to its catalogue, to be kept
 * {@code retentionDays} after it finishes. Sent before the backup's command.
 */
public record BackupScheduled(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, int retentionDays) implements BackupEvent {

    public static BackupScheduled of(UUID taskId, UUID instanceId, UUID backupId, int retentionDays, Instant now) {
        return new BackupScheduled(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, backupId, retentionDays);
    }
}
