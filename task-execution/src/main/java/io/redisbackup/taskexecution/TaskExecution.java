package io.redisbackup.taskexecution;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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

    /** RUNNING until the outcome is reported; then SUCCEEDED or FAILED, and the command is never run again. */
    public enum Status {
        RUNNING, SUCCEEDED, FAILED
    }

    @Id
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "instance_id")
    public UUID instanceId;
    @Column(name = "backup_id")
    public UUID backupId;
    @Enumerated(EnumType.STRING)
    public Status status;
    /** 1 for the first delivery; higher when the command came again before an outcome was recorded. */
    public int attempt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
