package io.redisbackup.taskcenter.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The task center's own settings, under {@code task-center.}. */
@ConfigMapping(prefix = "task-center")
public interface TaskCenterConfig {

    /**
     * A RUNNING task with no news for this long is failed as WORKER_LOST: workers report at least every few
     * seconds while they run.
     */
    @WithDefault("10m")
    Duration stalledAfter();

    /** How often stalled tasks are looked for. */
    @WithDefault("30s")
    Duration watchdogInterval();
}
