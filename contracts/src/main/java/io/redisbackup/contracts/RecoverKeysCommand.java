package io.redisbackup.contracts;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Rewrite only chosen keys of the target instance ({@code instanceId}) with their values in the backup, keeping their
 * remaining TTL; no other key is touched. The keys are those named ({@code keysBase64}) and those whose names match a
 * glob pattern ({@code patternsBase64}, Redis's rules), in the databases named ({@code databases}; every database
 * when empty). Keys and patterns are binary-safe: each is its bytes in Base64. A recovery whose patterns select more
 * than {@code maxKeys} keys is refused before anything changes. A command with patterns or databases is of schema
 * version 2, so that a worker that knows only version 1 (which would rewrite the named keys alone) refuses it.
 * Idempotent by task id.
 */
public record RecoverKeysCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        UUID backupId, UUID sourceInstanceId, RedisEndpoint target, Trigger trigger, List<String> keysBase64,
        List<String> patternsBase64, List<Integer> databases, Integer maxKeys) implements RecoveryCommand {

    /** The keys and patterns a recovery names, and the databases it takes them from (every one when empty). */
    public record Selection(List<byte[]> keys, List<byte[]> patterns, List<Integer> databases, int maxKeys) {

        /** Only these keys, in every database. */
        public static Selection ofKeys(List<byte[]> keys) {
            return new Selection(keys, List.of(), List.of(), keys.size());
        }
    }

    public static RecoverKeysCommand of(UUID taskId, UUID targetInstanceId, UUID backupId, UUID sourceInstanceId,
            RedisEndpoint target, Selection selection, Instant now) {
        boolean narrowed = !selection.patterns().isEmpty() || !selection.databases().isEmpty();
        return new RecoverKeysCommand(
                RedisEndpoint.schemaVersion(target, narrowed ? PATTERNS_SCHEMA_VERSION : SCHEMA_VERSION),
                UUID.randomUUID(), taskId, targetInstanceId, now, backupId,
                sourceInstanceId, target, Trigger.MANUAL, base64(selection.keys()),
                narrowed ? base64(selection.patterns()) : null, narrowed ? selection.databases() : null,
                narrowed ? selection.maxKeys() : null);
    }

    /** The keys as bytes; IllegalArgumentException when one is not Base64. */
    public List<byte[]> keys() {
        return decoded(keysBase64);
    }

    /** The patterns as bytes; IllegalArgumentException when one is not Base64. */
    public List<byte[]> patterns() {
        return decoded(patternsBase64);
    }

    /** The databases to take keys from; empty for every one. */
    public List<Integer> databasesOrAll() {
        return databases == null ? List.of() : databases;
    }

    private static List<String> base64(List<byte[]> values) {
        return values.stream().map(Base64.getEncoder()::encodeToString).toList();
    }

    private static List<byte[]> decoded(List<String> values) {
        return values == null ? List.of() : values.stream().map(Base64.getDecoder()::decode).toList();
    }
}
