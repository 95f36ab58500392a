package io.redisbackup.apigateway;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Trigger;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A task the gateway accepted, as its first status event said it: what the gateway shows while the task center has
 * not heard of the task yet.
 */
@Entity
@Table(name = "accepted_task")
public class AcceptedTask extends PanacheEntityBase {

    @Id
    @Column(name = "task_id")
    public UUID taskId;
    @Enumerated(EnumType.STRING)
    public TaskType type;
    @Column(name = "instance_id")
    public UUID instanceId;
    public String project;
    @Column(name = "backup_id")
    public UUID backupId;
    @Enumerated(EnumType.STRING)
    public Trigger trigger;
    @Column(name = "accepted_at")
    public Instant acceptedAt;

    /** Keeps the task that this first event (PENDING, with its project) announces. */
    public static void keep(TaskStatusChanged accepted) {
        AcceptedTask task = new AcceptedTask();
        task.taskId = accepted.taskId();
        task.type = accepted.taskType();
        task.instanceId = accepted.instanceId();
        task.project = accepted.project();
        task.backupId = accepted.backupId();
        task.trigger = accepted.trigger();
        task.acceptedAt = accepted.occurredAt();
        task.persist();
    }
}
