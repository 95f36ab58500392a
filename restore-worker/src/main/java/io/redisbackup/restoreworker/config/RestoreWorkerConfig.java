package io.redisbackup.restoreworker.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The restore worker's own settings, under {@code restore-worker.}. */
@ConfigMapping(prefix = "restore-worker")
public interface RestoreWorkerConfig {

    /** Base64 of the 32-byte key the gateway seals instance passwords with. */
    String secretKey();

    /** The folder of the backup store. */
    Path backupDirectory();

    /** How long to wait for a target instance to connect or to answer a batch. */
    @WithDefault("60s")
    Duration targetTimeout();

    /**
     * A whole-instance load's deadline besides its bytes (connecting, emptying the instance); the deadline is this
     * plus the backup's size at {@link #loadMinRate}.
     */
    @WithDefault("10m")
    Duration loadDeadlineBase();

    /** The slowest, in bytes a second, that a target may take a whole-instance load (1 MiB/s by default). */
    @WithDefault("1048576")
    long loadMinRate();

    /** How long a target may take the load below {@link #loadMinRate} before it fails as RECOVERY_TOO_SLOW. */
    @WithDefault("60s")
    Duration loadSlowFor();

    /**
     * How often a running recovery reports how many keys it has loaded. Each report is a Kafka event and a row
     * update in the task center, taken from the same cores the recovery runs on.
     */
    @WithDefault("1s")
    Duration progressInterval();

    /** How often a recovery that waits for another task on its instance tries again. */
    @WithDefault("1s")
    Duration leaseRetryInterval();

    /** How often a waiting recovery says it is still waiting. */
    @WithDefault("30s")
    Duration delayReportInterval();

    /** How often one command is taken up again after its worker died, before the task is failed. */
    @WithDefault("3")
    int maxAttempts();
}
