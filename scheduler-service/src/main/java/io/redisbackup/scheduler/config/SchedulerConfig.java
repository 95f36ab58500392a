package io.redisbackup.scheduler.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The scheduler's own settings, under {@code scheduler.}. */
@ConfigMapping(prefix = "scheduler")
public interface SchedulerConfig {

    /** How often the policies are looked over for a backup that is due. */
    @WithDefault("10s")
    Duration tickInterval();

    /**
     * How far into its hour an instance's backup may be placed (at most 50 minutes), so that many instances with
     * the same period do not all start in its first second; 0 starts every backup at the start of its hour.
     */
    @WithDefault("50m")
    Duration maxSpread();
}
