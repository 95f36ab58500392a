package io.redisbackup.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The outbox relay's settings, under {@code outbox.}. */
@ConfigMapping(prefix = "outbox")
public interface OutboxConfig {

    /** How often unsent messages are looked for (a commit that adds some also triggers a relay at once). */
    @WithDefault("1s")
    Duration sweepInterval();

}
