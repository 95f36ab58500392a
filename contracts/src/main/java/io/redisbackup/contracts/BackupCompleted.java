package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/** The backup's data, index and manifest are stored and checksummed: it can be downloaded and recovered from. */
public record BackupCompleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, Instant startedAt, Instant finishedAt, long sizeBytes, long keyCount, String sha256,
        String redisVersion, int rdbVersion) implements BackupEvent {
}
