package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the audit trail, on {@link Topics#AUDIT_EVENTS}: a request that changed something, downloaded a
 * backup, or was refused for authorization. {@code actor} is who called ({@code token:<id>}, {@code oidc:<subject>}
 * or {@code anonymous}), never a secret; {@code outcome} the HTTP status answered. {@code instanceId} (and the
 * record key) is the instance the request was about, or {@link #NO_INSTANCE} for a request about none (a token, a
 * list). It belongs to no task.
 */
public record AuditRecorded(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        long entryId, String actor, String actorName, String action, String path, UUID backupId, String project,
        int outcome, String sourceAddress) implements Message {

    /** The instance id of an entry about no instance. */
    public static final UUID NO_INSTANCE = new UUID(0, 0);

    public static AuditRecorded of(long entryId, Instant at, String actor, String actorName, String action,
            String path, UUID instanceId, UUID backupId, String project, int outcome, String sourceAddress) {
        return new AuditRecorded(SCHEMA_VERSION, UUID.randomUUID(), null, instanceId == null ? NO_INSTANCE : instanceId,
                at, entryId, actor, actorName, action, path, backupId, project, outcome, sourceAddress);
    }

    @Override
    public boolean belongsToTask() {
        return false;
    }
}
