package io.redisbackup.taskcenter.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Size;
import io.smallrye.config.WithDefault;

/** The task center's own settings, under {@code task-center.}. */
@ConfigMapping(prefix = "task-center")
public interface TaskCenterConfig {

    /**
     * A RUNNING or DELAYED task with no news for this long is marked stalled (its history says so once). It is not
     * failed here: whether its worker is lost is decided by the workers, which can fence it (their
     * {@code task-execution.lost-after}); they report it FAILED with WORKER_LOST.
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
