package io.redisbackup.taskcenter;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.redisbackup.contracts.TaskStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One line of a task's history: a status it went through, a new attempt at it, or a note (no news for long). */
@Entity
@Table(name = "task_status_change")
public class TaskHistoryEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "task_id")
    public UUID taskId;
    public long sequence;
    @Enumerated(EnumType.STRING)
    public TaskStatus status;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    public String message;
    /** The worker's attempt the change came from; null for the gateway's and the task center's own. */
    public Integer attempt;

    public static List<TaskHistoryEntry> of(UUID taskId) {
        return list("taskId", Sort.ascending("sequence"), taskId);
    }
}
