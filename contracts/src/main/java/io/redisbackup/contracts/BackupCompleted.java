package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The backup's data, index and manifest are stored and checksummed: it can be downloaded and recovered from.
 *
 * @param sizeBytes the RDB's size
 * @param storedBytes what the backup takes in the store, all its files compressed and encrypted; null in events
 *        sent before it was reported
 */
public record BackupCompleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, Instant startedAt, Instant finishedAt, long sizeBytes, long keyCount, String sha256,
        String redisVersion, int rdbVersion, Long storedBytes) implements BackupEvent {

    /** As sent before the stored size was reported. */
    public BackupCompleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
            UUID backupId, Instant startedAt, Instant finishedAt, long sizeBytes, long keyCount, String sha256,
            String redisVersion, int rdbVersion) {
        this(schemaVersion, eventId, taskId, instanceId, occurredAt, backupId, startedAt, finishedAt, sizeBytes,
                keyCount, sha256, redisVersion, rdbVersion, null);
    }
}
