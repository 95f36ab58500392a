package io.redisbackup.taskcenter.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jboss.logging.Logger;

import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.taskcenter.Task;
import io.redisbackup.taskcenter.TaskHistoryEntry;
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
    private final Clock clock;
    private final TaskCenterConfig config;
    private final Instant startedAt;

    public TaskRecorder(Clock clock, TaskCenterConfig config) {
        this.clock = clock;
        this.config = config;
        this.startedAt = clock.instant();
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
        }
        if (event.project() != null && task.project == null) {
            task.project = event.project(); // whatever order the events came in
        }
        if (!isNew && event.sequence() <= task.lastSequence) {
            LOG.debugf("Task %s: event %d is not newer than %d; dropped", task.id, event.sequence(), task.lastSequence);
            return;
        }
        if (!isNew && !task.status.canTransitionTo(event.status())) {
            LOG.warnf("Task %s: %s -> %s is not allowed; event %d dropped", task.id, task.status, event.status(),
                    event.sequence());
            return;
        }
        TaskStatus previous = task.status;
        Integer previousAttempt = task.attempt;
        task.status = event.status();
        task.lastSequence = event.sequence();
        task.updatedAt = clock.instant();
        task.stalled = false;
        if (event.attempt() != null) {
            task.attempt = event.attempt();
        }
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
        boolean retry = event.attempt() != null && previousAttempt != null && event.attempt() > previousAttempt;
        if (previous != event.status() || retry) {
            record(task, event.sequence(), event.occurredAt(), event.message());
            LOG.infof("Task %s (%s, instance %s) is %s", task.id, task.type, task.instanceId, task.status);
        }
    }

    /**
     * Marks the tasks whose worker has sent no news for too long as stalled, once each; returns how many. Not
     * final: the workers decide that an attempt is lost (they alone can fence it) and report it FAILED.
     */
    @Transactional
    public int markStalledTasks() {
        Instant now = clock.instant();
        // after a start of the task center, news queued in Kafka while it was down is not missing news
        Instant silentSince = now.minus(config.stalledAfter());
        if (silentSince.isBefore(startedAt)) {
            return 0;
        }
        List<Task> stalled = Task.list("status in ?1 and updatedAt < ?2 and stalled = false",
                List.of(TaskStatus.RUNNING, TaskStatus.DELAYED), silentSince);
        for (Task task : stalled) {
            task.stalled = true;
            String message = "No news from its worker for " + config.stalledAfter().toMinutes() + " minutes. If the "
                    + "worker stopped, the task is taken up again when a worker of its kind runs, or failed as "
                    + "WORKER_LOST once it has been held by none for the workers' lost-after time.";
            task.message = message;
            record(task, task.lastSequence, now, message);
            LOG.warnf("Task %s (%s, instance %s) has had no news since %s", task.id, task.type, task.instanceId,
                    task.updatedAt);
        }
        return stalled.size();
    }

    private static void record(Task task, long sequence, Instant at, String message) {
        TaskHistoryEntry change = new TaskHistoryEntry();
        change.attempt = task.attempt;
        change.taskId = task.id;
        change.sequence = sequence;
        change.status = task.status;
        change.occurredAt = at;
        change.message = message;
        change.persist();
    }
}
