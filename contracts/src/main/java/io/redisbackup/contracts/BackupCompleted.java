package io.redisbackup.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The backup's data, index and manifest are stored and checksummed: it can be downloaded and recovered from.
 *
 * @param sizeBytes the RDB's size
 * @param sizeBytes the RDB's size; of a cluster backup, every shard's RDB together
 * @param sha256 the RDB's SHA-256; null for a cluster backup, whose shards each have their own
 * @param storedBytes what the backup takes in the store, all its files compressed and encrypted; null in events
 *        sent before it was reported
 * @param shards a cluster backup's shards; null for a backup of one server. A consumer that does not know it still
 *        reads the backup's totals right.
 */
public record BackupCompleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, Instant startedAt, Instant finishedAt, long sizeBytes, long keyCount, String sha256,
        String redisVersion, int rdbVersion, Long storedBytes, List<Shard> shards) implements BackupEvent {

    /**
     * One shard of a cluster backup: the slots its master served, the node its snapshot came from and when, its
     * RDB's size, keys and SHA-256.
     */
    public record Shard(int index, List<String> slots, String takenFrom, boolean fromReplica, Instant snapshotAt,
            long sizeBytes, long keyCount, String sha256) {
    }

    /** A backup of one server. */
    public BackupCompleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
            UUID backupId, Instant startedAt, Instant finishedAt, long sizeBytes, long keyCount, String sha256,
            String redisVersion, int rdbVersion, Long storedBytes) {
        this(schemaVersion, eventId, taskId, instanceId, occurredAt, backupId, startedAt, finishedAt, sizeBytes,
                keyCount, sha256, redisVersion, rdbVersion, storedBytes, null);
    }

    /** As sent before the stored size was reported. */
    public BackupCompleted(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
            UUID backupId, Instant startedAt, Instant finishedAt, long sizeBytes, long keyCount, String sha256,
            String redisVersion, int rdbVersion) {
        this(schemaVersion, eventId, taskId, instanceId, occurredAt, backupId, startedAt, finishedAt, sizeBytes,
                keyCount, sha256, redisVersion, rdbVersion, null);
    }
}
