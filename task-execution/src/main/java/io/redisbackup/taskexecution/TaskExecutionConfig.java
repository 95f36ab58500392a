package io.redisbackup.taskexecution;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a worker holds the tasks it runs, under {@code task-execution.}. */
@ConfigMapping(prefix = "task-execution")
public interface TaskExecutionConfig {

    /** How often the worker renews the heartbeat of each attempt it runs. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /**
     * An attempt whose heartbeat is older than this is lost: its task fails as WORKER_LOST, what it left is cleaned
     * up, and no worker acts on the task again. A worker that restarts sooner takes the task up again (a retry).
     */
    @WithDefault("10m")
    Duration lostAfter();

    /** How often every worker looks for lost attempts (of any worker of its kind). */
    @WithDefault("30s")
    Duration sweepInterval();
}
