package io.redisbackup.taskexecution;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Trigger;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A command this worker has taken up, and how far it got. */
@Entity
@Table(name = "task_execution")
public class TaskExecution extends PanacheEntityBase {

    /**
     * RUNNING while an attempt holds it; LOST once its attempt stopped renewing its heartbeat for longer than
     * {@code task-execution.lost-after} (fenced: no attempt may act on it, and its end is still to be reported);
     * then SUCCEEDED or FAILED, and the command is never run again.
     */
    public enum Status {
        RUNNING, LOST, SUCCEEDED, FAILED
    }

    @Id
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "instance_id")
    public UUID instanceId;
    @Column(name = "backup_id")
    public UUID backupId;
    @Enumerated(EnumType.STRING)
    @Column(name = "task_type")
    public TaskType taskType;
    @Enumerated(EnumType.STRING)
    public Trigger trigger;
    @Enumerated(EnumType.STRING)
    public Status status;
    /** 1 for the first delivery; higher when the command came again before an outcome was recorded. */
    public int attempt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** Renewed every few seconds by the worker that runs the attempt, and before each change it makes. */
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;
    /** When the attempt first changed its target (a recovery emptied the instance or wrote a key); null before. */
    @Column(name = "target_changed_at")
    public Instant targetChangedAt;
}
