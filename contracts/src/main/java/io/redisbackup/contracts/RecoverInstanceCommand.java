package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Replace the whole dataset of the target instance ({@code instanceId}) with the backup's: every database emptied,
 * every key of the backup loaded. {@code safetyBackupId} names the backup of the target as it was, taken just before
 * (null when none was asked for): the task's result names it, the way back. Idempotent by task id.
 */
public record RecoverInstanceCommand(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId,
        Instant occurredAt, UUID backupId, UUID sourceInstanceId, RedisEndpoint target, Trigger trigger,
        UUID safetyBackupId) implements RecoveryCommand {

    public static RecoverInstanceCommand of(UUID taskId, UUID targetInstanceId, UUID backupId, UUID sourceInstanceId,
            RedisEndpoint target, Instant now) {
        return of(taskId, targetInstanceId, backupId, sourceInstanceId, target, null, now);
    }

    public static RecoverInstanceCommand of(UUID taskId, UUID targetInstanceId, UUID backupId, UUID sourceInstanceId,
            RedisEndpoint target, UUID safetyBackupId, Instant now) {
        return new RecoverInstanceCommand(RedisEndpoint.schemaVersion(target, SCHEMA_VERSION), UUID.randomUUID(),
                taskId, targetInstanceId, now, backupId,
                sourceInstanceId, target, Trigger.MANUAL, safetyBackupId);
    }
}
