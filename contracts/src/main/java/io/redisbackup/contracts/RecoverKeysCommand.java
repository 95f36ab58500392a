package io.redisbackup.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Rewrite only the listed keys of the target instance ({@code instanceId}) with their values in the backup, in
 * every database the backup holds them in, keeping their remaining TTL; no other key is touched. Keys are
 * binary-safe: each is its bytes in Base64 ({@code keysBase64}). Idempotent by task id.
 */
public record RecoverKeysCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, UUID sourceInstanceId, RedisEndpoint target, Trigger trigger, List<String> keysBase64)
        implements RestoreWorkerCommand {

    public static RecoverKeysCommand of(UUID taskId, UUID targetInstanceId, UUID backupId, UUID sourceInstanceId,
            RedisEndpoint target, List<byte[]> keys, Instant now) {
        return new RecoverKeysCommand(SCHEMA_VERSION, UUID.randomUUID(), taskId, targetInstanceId, now, backupId,
                sourceInstanceId, target, Trigger.MANUAL,
                keys.stream().map(java.util.Base64.getEncoder()::encodeToString).toList());
    }

    /** The keys as bytes; IllegalArgumentException when one is not Base64. */
    public List<byte[]> keys() {
        return keysBase64 == null ? List.of() : keysBase64.stream().map(java.util.Base64.getDecoder()::decode).toList();
    }
}
