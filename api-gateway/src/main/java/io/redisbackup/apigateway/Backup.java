package io.redisbackup.apigateway;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.Trigger;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One backup of an instance, in the catalogue. */
@Entity
@Table(name = "backup")
public class Backup extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "instance_id")
    public UUID instanceId;
    /** Its instance's project when it was taken: a backup outlives its instance. */
    public String project;
    @Column(name = "task_id")
    public UUID taskId;
    @Enumerated(EnumType.STRING)
    public BackupType type;
    @Enumerated(EnumType.STRING)
    public Trigger trigger;
    @Enumerated(EnumType.STRING)
    public BackupStatus status;
    @Column(name = "retention_days")
    public Integer retentionDays;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    @Column(name = "stored_bytes")
    public Long storedBytes;
    @Column(name = "key_count")
    public Long keyCount;
    public String sha256;
    /** A cluster backup's shards ({@code MessageCodec.shardsToJson}); null for a backup of one server. */
    @Column(name = "shards")
    public String shardsJson;
    @Column(name = "redis_version")
    public String redisVersion;
    @Column(name = "rdb_version")
    public Integer rdbVersion;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    @Column(name = "delete_task_id")
    public UUID deleteTaskId;
    /** The last restore drill's verdict: PASSED or FAILED (why in {@link #verificationError}); null before any. */
    public String verification;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "verification_error")
    public String verificationError;
    /** The drill asked for last, and when. */
    @Column(name = "verify_task_id")
    public UUID verifyTaskId;
    @Column(name = "verify_requested_at")
    public Instant verifyRequestedAt;

    /** A backup of the instance asked for now, PENDING, with a task of its own; persisted. */
    public static Backup requested(Instance instance, BackupType type, Trigger trigger, Integer retentionDays,
            Instant now) {
        Backup backup = new Backup();
        backup.id = UUID.randomUUID();
        backup.taskId = UUID.randomUUID();
        backup.instanceId = instance.id;
        backup.project = instance.project;
        backup.type = type;
        backup.trigger = trigger;
        backup.status = BackupStatus.PENDING;
        backup.retentionDays = retentionDays;
        backup.createdAt = now;
        backup.persist();
        return backup;
    }

    public static List<Backup> ofInstance(UUID instanceId) {
        return list("instanceId", Sort.descending("createdAt").and("id"), instanceId);
    }

    /** The instance's newest backup, if it has any: one row read, however many it has. */
    public static java.util.Optional<Backup> newestOf(UUID instanceId) {
        return find("instanceId", Sort.descending("createdAt").and("id"), instanceId).firstResultOptional();
    }

    public static boolean anyInProgress(UUID instanceId) {
        return count("instanceId = ?1 and status in ?2", instanceId,
                List.of(BackupStatus.PENDING, BackupStatus.RUNNING, BackupStatus.DELETING)) > 0;
    }
}
