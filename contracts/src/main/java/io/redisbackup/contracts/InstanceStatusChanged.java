package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * An instance's status, on {@link Topics#INSTANCE_STATUS}: set while a recovery changes it, and back to RUNNING
 * when the recovery ends, whether it succeeded or not.
 */
public record InstanceStatusChanged(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        InstanceStatus status) implements Message {

    public static InstanceStatusChanged of(UUID taskId, UUID instanceId, InstanceStatus status, Instant now) {
        return new InstanceStatusChanged(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, status);
    }
}
