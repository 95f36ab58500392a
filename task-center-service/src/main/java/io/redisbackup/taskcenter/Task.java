package io.redisbackup.taskcenter;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Trigger;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A backup, recovery or deletion, as its status events told it. */
@Entity
@Table(name = "task")
public class Task extends PanacheEntityBase {

    @Id
    public UUID id;
    @Enumerated(EnumType.STRING)
    public TaskType type;
    @Column(name = "instance_id")
    public UUID instanceId;
    @Column(name = "backup_id")
    public UUID backupId;
    /** The project of the task's instance, as the event that accepted the task named it. */
    public String project;
    @Enumerated(EnumType.STRING)
    public Trigger trigger;
    @Enumerated(EnumType.STRING)
    public TaskStatus status;
    @JdbcTypeCode(SqlTypes.JSON)
    public Progress progress;
    public String message;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> result;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "last_sequence")
    public long lastSequence;
    /** The worker's attempt at the task (null until a worker takes it up; 2, 3 for retries). */
    public Integer attempt;
    /** No news for {@code task-center.stalled-after}; cleared by the next event. */
    public boolean stalled;
}
