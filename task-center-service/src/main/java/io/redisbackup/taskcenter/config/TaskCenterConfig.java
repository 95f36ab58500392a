package io.redisbackup.taskcenter.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Size;
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

    /**
     * The credential the gateway sends ({@code REDIS_BACKUP_SERVICE_TOKEN}); a request to the API without it is
     * refused. At least 32 characters.
     */
    @Size(min = 32)
    String serviceToken();

    /** How often stalled tasks are looked for. */
    @WithDefault("30s")
    Duration watchdogInterval();
}
