package io.redisbackup.taskcenter.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Looks for tasks that have had no news for long, and says so in their history. */
@ApplicationScoped
public class StalledTaskWatchdog {

    private final TaskRecorder recorder;

    public StalledTaskWatchdog(TaskRecorder recorder) {
        this.recorder = recorder;
    }

    @Scheduled(every = "${task-center.watchdog-interval:30s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        recorder.markStalledTasks();
    }
}
