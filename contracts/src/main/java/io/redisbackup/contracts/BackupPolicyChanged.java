package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * An instance's backup policy and where to reach the instance, on the compacted {@link Topics#BACKUP_POLICIES}: the
 * latest record per instance is the one that counts, and a record without a value (a tombstone) means the
 * instance is gone. {@code revision} grows with every change of one instance; {@code project} is the instance's, for
 * the tasks the scheduler starts; {@code care}, how gently its backups are taken (none when not set, and from a
 * gateway of the release before). It belongs to no task.
 */
public record BackupPolicyChanged(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        long revision, BackupPolicy policy, RedisEndpoint endpoint, String project, SourceCare care)
        implements Message {

    public static BackupPolicyChanged of(UUID instanceId, long revision, BackupPolicy policy, RedisEndpoint endpoint,
            String project, SourceCare care, Instant now) {
        return new BackupPolicyChanged(RedisEndpoint.schemaVersion(endpoint, SCHEMA_VERSION), UUID.randomUUID(), null,
                instanceId, now, revision, policy,
                endpoint, project, care != null && care.isSet() ? care : null);
    }

    /** How gently the instance's backups are taken; never null. */
    public SourceCare careOrNone() {
        return SourceCare.orNone(care);
    }

    @Override
    public boolean belongsToTask() {
        return false;
    }
}
