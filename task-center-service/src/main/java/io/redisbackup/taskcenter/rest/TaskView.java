package io.redisbackup.taskcenter.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.taskcenter.Task;
import io.redisbackup.taskcenter.TaskHistoryEntry;

/** A task as the task center shows it; {@code history} only when one task is asked for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(UUID id, TaskType type, UUID instanceId, String project, UUID backupId, Trigger trigger, TaskStatus status,
        Progress progress, String message, TaskError error, Map<String, Object> result, Instant createdAt,
        Instant startedAt, Instant finishedAt, Instant updatedAt, Integer attempt, List<Change> history) {

    /** One status the task went through, or a new attempt at it; {@code attempt} is the worker's attempt. */
    public record Change(TaskStatus status, Instant at, String message, Integer attempt) {
    }

    static TaskView of(Task task, List<TaskHistoryEntry> history) {
        return new TaskView(task.id, task.type, task.instanceId, task.project, task.backupId, task.trigger, task.status,
                task.progress, task.message, task.errorCode == null ? null : new TaskError(task.errorCode, task.errorMessage),
                task.result, task.createdAt, task.startedAt, task.finishedAt, task.updatedAt, task.attempt,
                history == null ? null
                        : history.stream().map(c -> new Change(c.status, c.occurredAt, c.message, c.attempt)).toList());
    }
}
