package io.redisbackup.apigateway.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.Trigger;

/**
 * A backup in the catalogue.
 *
 * @param sizeBytes the RDB's size (what a download gives); of a cluster backup, every shard's together
 * @param storedBytes what the backup takes in the store, compressed and encrypted, its key index included
 * @param shards a cluster backup's shards: each one's slots, the node its snapshot came from and when, its RDB's
 *        size, keys and SHA-256 (its download is {@code ?shard=N}); none for a backup of one server
 * @param verification the last restore drill's verdict, PASSED or FAILED (null before any), at {@code verifiedAt};
 *        {@code verificationError} says why it failed
 */
public record BackupView(UUID id, UUID instanceId, String project, UUID taskId, BackupType type, Trigger trigger, BackupStatus status,
        Instant createdAt, Instant startedAt, Instant finishedAt, Long sizeBytes, Long storedBytes, Long keyCount,
        String sha256, String redisVersion, Integer rdbVersion, Instant expiresAt, TaskError error,
        String verification, Instant verifiedAt, String verificationError, List<BackupCompleted.Shard> shards) {

    static BackupView of(Backup backup) {
        return new BackupView(backup.id, backup.instanceId, backup.project, backup.taskId, backup.type, backup.trigger, backup.status,
                backup.createdAt, backup.startedAt, backup.finishedAt, backup.sizeBytes, backup.storedBytes, backup.keyCount,
                backup.sha256, backup.redisVersion, backup.rdbVersion, backup.expiresAt,
                backup.errorCode == null ? null : new TaskError(backup.errorCode, backup.errorMessage),
                backup.verification, backup.verifiedAt, backup.verificationError,
                backup.shardsJson == null ? null : MessageCodec.shardsFromJson(backup.shardsJson));
    }
}
