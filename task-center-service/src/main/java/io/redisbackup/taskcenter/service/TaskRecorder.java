package io.redisbackup.taskcenter.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jboss.logging.Logger;

import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.taskcenter.Task;
import io.redisbackup.taskcenter.TaskStatusChange;
import io.redisbackup.taskcenter.config.TaskCenterConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Builds the task records from status events. Only forward moves are applied: an event whose sequence is not
 * above the last one applied (a duplicate, a late one) or whose status move is not allowed is dropped, so nothing
 * can undo a finished task.
 */
@ApplicationScoped
public class TaskRecorder {

    private static final Logger LOG = Logger.getLogger(TaskRecorder.class);
    /** Above any sequence a worker uses: nothing may move a task the task center failed itself. */
    private static final long FINAL_SEQUENCE = Long.MAX_VALUE;

    private final Clock clock;
    private final TaskCenterConfig config;

    public TaskRecorder(Clock clock, TaskCenterConfig config) {
        this.clock = clock;
        this.config = config;
    }

    @Transactional
    public void apply(TaskStatusChanged event) {
        Task task = Task.findById(event.taskId(), LockModeType.PESSIMISTIC_WRITE);
        boolean isNew = task == null;
        if (isNew) {
            task = new Task();
            task.id = event.taskId();
            task.type = event.taskType();
            task.instanceId = event.instanceId();
            task.backupId = event.backupId();
            task.trigger = event.trigger();
            task.createdAt = event.occurredAt();
        } else if (event.sequence() <= task.lastSequence) {
            LOG.debugf("Task %s: event %d is not newer than %d; dropped", task.id, event.sequence(), task.lastSequence);
            return;
        } else if (!task.status.canTransitionTo(event.status())) {
            LOG.warnf("Task %s: %s -> %s is not allowed; event %d dropped", task.id, task.status, event.status(),
                    event.sequence());
            return;
        }
        if (event.project() != null && task.project == null) {
            task.project = event.project();
        }
        TaskStatus previous = task.status;
        task.status = event.status();
        task.lastSequence = event.sequence();
        task.updatedAt = clock.instant();
        if (event.progress() != null) {
            task.progress = event.progress();
        }
        if (event.message() != null) {
            task.message = event.message();
        }
        if (event.error() != null) {
            task.errorCode = event.error().code();
            task.errorMessage = event.error().message();
        }
        if (event.result() != null) {
            task.result = event.result();
        }
        if (event.status() == TaskStatus.RUNNING && task.startedAt == null) {
            task.startedAt = event.occurredAt();
        }
        if (event.status().isTerminal()) {
            task.finishedAt = event.occurredAt();
        }
        if (isNew) {
            task.persist();
        }
        if (previous != event.status()) {
            record(task, event.sequence(), event.occurredAt(), event.message());
            LOG.infof("Task %s (%s, instance %s) is %s", task.id, task.type, task.instanceId, task.status);
        }
    }

    /** Fails the tasks whose worker has not reported for too long; returns how many. */
    @Transactional
    public int failStalledTasks() {
        Instant now = clock.instant();
        List<Task> stalled = Task.list("status = ?1 and updatedAt < ?2", TaskStatus.RUNNING,
                now.minus(config.stalledAfter()));
        for (Task task : stalled) {
            TaskError error = new TaskError("WORKER_LOST", "The worker stopped reporting on this task for "
                    + config.stalledAfter().toMinutes() + " minutes; it is considered failed.");
            task.status = TaskStatus.FAILED;
            task.errorCode = error.code();
            task.errorMessage = error.message();
            task.message = error.message();
            task.lastSequence = FINAL_SEQUENCE;
            task.finishedAt = now;
            task.updatedAt = now;
            record(task, FINAL_SEQUENCE, now, error.message());
            LOG.infof("Task %s (%s, instance %s) is FAILED: WORKER_LOST", task.id, task.type, task.instanceId);
        }
        return stalled.size();
    }

    private static void record(Task task, long sequence, Instant at, String message) {
        TaskStatusChange change = new TaskStatusChange();
        change.taskId = task.id;
        change.sequence = sequence;
        change.status = task.status;
        change.occurredAt = at;
        change.message = message;
        change.persist();
    }
}
