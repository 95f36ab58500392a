package io.redisbackup.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A task's new status, or new progress, on {@link Topics#TASK_STATUS}. {@code sequence} grows with every event of
 * one task, so a consumer can drop duplicates and stale events: it applies an event only when its sequence is
 * higher than the last one applied and the status move is allowed ({@link TaskStatus#canTransitionTo}).
 * {@code project} is the project of the task's instance; whoever accepts the task (the gateway, the scheduler) names
 * it in the first event, and the task center keeps it, so that callers see only the tasks of their projects.
 * {@code attempt} is the worker's attempt at the task (1, then 2, 3 when the command was taken up again after its
 * worker stopped); absent from the gateway's and the scheduler's events.
 */
public record TaskStatusChanged(int schemaVersion, UUID eventId, UUID taskId, UUID instanceId, Instant occurredAt,
        long sequence, TaskType taskType, UUID backupId, Trigger trigger, TaskStatus status, Progress progress,
        String message, TaskError error, Map<String, Object> result, String project, Integer attempt)
        implements Message {

    /** The sequence of a task's first event, {@link #accepted}; the workers number theirs above it. */
    public static final long ACCEPTED_SEQUENCE = 1;

    /**
     * A task's first event: PENDING, from whoever accepted it (the gateway, the scheduler), sent with its command;
     * the task center shows the task from here on.
     */
    public static TaskStatusChanged accepted(TaskCommand command, String project) {
        return of(command.taskId(), command.instanceId(), ACCEPTED_SEQUENCE, TaskType.of(command), command.backupId(),
                command.trigger(), TaskStatus.PENDING, command.occurredAt()).withProject(project);
    }

    public static TaskStatusChanged of(UUID taskId, UUID instanceId, long sequence, TaskType taskType, UUID backupId,
            Trigger trigger, TaskStatus status, Instant now) {
        return new TaskStatusChanged(SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId, now, sequence, taskType,
                backupId, trigger, status, null, null, null, null, null, null);
    }

    public TaskStatusChanged withProgress(Progress newProgress) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, newProgress, message, error, result, project, attempt);
    }

    public TaskStatusChanged withMessage(String newMessage) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, newMessage, error, result, project, attempt);
    }

    public TaskStatusChanged withError(TaskError newError) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, message, newError, result, project, attempt);
    }

    public TaskStatusChanged withResult(Map<String, Object> newResult) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, message, error, newResult, project, attempt);
    }

    public TaskStatusChanged withProject(String newProject) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, message, error, result, newProject, attempt);
    }

    public TaskStatusChanged withAttempt(int newAttempt) {
        return new TaskStatusChanged(schemaVersion, eventId, taskId, instanceId, occurredAt, sequence, taskType,
                backupId, trigger, status, progress, message, error, result, project, newAttempt);
    }
}
