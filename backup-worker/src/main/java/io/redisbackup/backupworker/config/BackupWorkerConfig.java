package io.redisbackup.backupworker.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The backup worker's own settings, under {@code backup-worker.}. */
@ConfigMapping(prefix = "backup-worker")
public interface BackupWorkerConfig {

    /** Base64 of the 32-byte key the gateway seals instance passwords with. */
    String secretKey();

    /** The folder of the backup store. */
    Path backupDirectory();

    /** How long to wait for an instance to connect, or to send the next bytes of its snapshot. */
    @WithDefault("60s")
    Duration snapshotTimeout();

    /** How often a running backup reports its progress. */
    @WithDefault("1s")
    Duration progressInterval();

    /** How often a backup that waits for another task on its instance tries again. */
    @WithDefault("1s")
    Duration leaseRetryInterval();

    /** How often a waiting backup says it is still waiting. */
    @WithDefault("30s")
    Duration delayReportInterval();

    /** How often one command is taken up again after its worker died, before the task is failed. */
    @WithDefault("3")
    int maxAttempts();
}
