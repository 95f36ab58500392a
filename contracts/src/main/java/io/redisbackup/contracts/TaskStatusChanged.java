package io.redisbackup.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A task's new status, or new progress, on {@link Topics#TASK_STATUS}. {@code sequence} grows with every event of
 * one task, so a consumer can drop duplicates and stale events: it applies an event only when its sequence is
 * higher than the last one applied and the status move is allowed ({@link TaskStatus#canTransitionTo}).
 */
public record TaskStatusChanged(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        long sequence, TaskType taskType, UUID backupId, Trigger trigger, TaskStatus status, Progress progress,
        String message, TaskError error, Map<String, Object> result) implements Message {

    public static TaskStatusChanged of(UUID taskId, UUID instanceId, long sequence, TaskType taskType, UUID backupId,
            Trigger trigger, TaskStatus status, Instant now) {
        return new TaskStatusChanged(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, sequence, taskType,
                backupId, trigger, status, null, null, null, null);
    }

    public TaskStatusChanged withProgress(Progress newProgress) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, newProgress, message, error, result);
    }

    public TaskStatusChanged withMessage(String newMessage) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, newMessage, error, result);
    }

    public TaskStatusChanged withError(TaskError newError) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, message, newError, result);
    }

    public TaskStatusChanged withResult(Map<String, Object> newResult) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, message, error, newResult);
    }
}
