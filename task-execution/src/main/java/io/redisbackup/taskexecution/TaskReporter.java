package io.redisbackup.taskexecution;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TaskCommand;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;

/**
 * Reports one attempt at one task on the task-status topic. Its events are numbered {@code attempt * 1,000,000 + n}
 * and carry the attempt: above the gateway's PENDING (1) and above every event of an earlier attempt, so the task
 * center keeps only the newest news, and shows each retry in the task's history.
 */
public final class TaskReporter {

    private static final Logger LOG = Logger.getLogger(TaskReporter.class);
    private static final long ATTEMPT_STRIDE = 1_000_000;

    private final EventPublisher events;
    private final Clock clock;
    private final UUID taskId;
    private final UUID instanceId;
    private final UUID backupId;
    private final TaskType type;
    private final Trigger trigger;
    private final int attempt;
    private long sequence;
    /** The task's events: RUNNING sent ahead, made sure of by the next event that is waited for. */
    private final EventPublisher.InOrder inOrder;
    private long lastProgress = System.nanoTime();

    private TaskReporter(EventPublisher events, Clock clock, UUID taskId, UUID instanceId, UUID backupId, TaskType type,
            Trigger trigger, int attempt) {
        this.events = events;
        this.inOrder = events.inOrder();
        this.clock = clock;
        this.taskId = taskId;
        this.instanceId = instanceId;
        this.backupId = backupId;
        this.type = type;
        this.trigger = trigger;
        this.attempt = attempt;
        this.sequence = attempt * ATTEMPT_STRIDE;
    }

    /** Reports the task {@code command} carries out, for its attempt {@code attempt}. */
    public static TaskReporter of(EventPublisher events, Clock clock, TaskCommand command, int attempt) {
        return new TaskReporter(events, clock, command.taskId(), command.instanceId(), command.backupId(),
                TaskType.of(command), command.trigger(), attempt);
    }

    /** Reports the end of a lost task: its events outrank every event its last attempt could have sent. */
    public static TaskReporter forLost(EventPublisher events, Clock clock, TaskExecution lost) {
        TaskReporter reporter = new TaskReporter(events, clock, lost.taskId, lost.instanceId, lost.backupId,
                lost.taskType, lost.trigger, lost.attempt);
        reporter.sequence = (lost.attempt + 1L) * ATTEMPT_STRIDE - 2;
        return reporter;
    }

    /**
     * Running: sent without waiting for the broker (the work need not wait for the news); the task's next event that
     * is waited for (its outcome) makes sure the broker has it first.
     */
    public void running(String message) {
        LOG.infof("Task %s (%s, instance %s) is RUNNING: %s", taskId, type, instanceId, message);
        inOrder.ahead(Topics.TASK_STATUS, next(TaskStatus.RUNNING).withMessage(message));
    }

    public void delayed(String message) {
        LOG.infof("Task %s (%s, instance %s) is DELAYED: %s", taskId, type, instanceId, message);
        inOrder.publish(List.of(new EventPublisher.Outgoing(Topics.TASK_STATUS, next(TaskStatus.DELAYED)
                .withMessage(message))));
    }

    public void progress(Progress progress, String message) {
        events.publishSoon(Topics.TASK_STATUS, next(TaskStatus.RUNNING).withProgress(progress).withMessage(message));
    }

    /**
     * {@link #progress(Progress, String)}, unless the last progress went out (or the reporter was made) less than
     * {@code atMostEvery} ago: each report is a Kafka event and a row update in the task center.
     */
    public void progress(Progress progress, String message, Duration atMostEvery) {
        long now = System.nanoTime();
        if (now - lastProgress >= atMostEvery.toNanos()) {
            lastProgress = now;
            progress(progress, message);
        }
    }

    /** Succeeded; {@code together}: other events of the same outcome, sent with it in one round trip to Kafka. */
    public void succeeded(Progress progress, Map<String, Object> result, EventPublisher.Outgoing... together) {
        LOG.infof("Task %s (%s, instance %s) SUCCEEDED", taskId, type, instanceId);
        List<EventPublisher.Outgoing> all = new ArrayList<>(List.of(together));
        all.add(new EventPublisher.Outgoing(Topics.TASK_STATUS,
                next(TaskStatus.SUCCEEDED).withProgress(progress).withResult(result)));
        inOrder.publish(all);
    }

    public void failed(TaskError error) {
        failed(error, null);
    }

    /** Failed, with what was done before it failed ({@code result}, may be null). */
    public void failed(TaskError error, Map<String, Object> result) {
        LOG.infof("Task %s (%s, instance %s) FAILED: %s", taskId, type, instanceId, error.code());
        inOrder.publish(List.of(new EventPublisher.Outgoing(Topics.TASK_STATUS, next(TaskStatus.FAILED)
                .withError(error).withMessage(error.message()).withResult(result))));
    }

    private synchronized TaskStatusChanged next(TaskStatus status) {
        return TaskStatusChanged.of(taskId, instanceId, ++sequence, type, backupId, trigger, status, clock.instant())
                .withAttempt(attempt);
    }
}
