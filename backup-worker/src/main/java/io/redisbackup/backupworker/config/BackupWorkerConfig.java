package io.redisbackup.backupworker.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The backup worker's own settings, under {@code backup-worker.}. */
@ConfigMapping(prefix = "backup-worker")
public interface BackupWorkerConfig {

    /** How long to wait for an instance to connect, or to send the next bytes of its snapshot. */
    @WithDefault("60s")
    Duration snapshotTimeout();

    /**
     * The whole snapshot's deadline besides its bytes: the server may prepare its snapshot (a BGSAVE to disk can take
     * minutes on a large dataset) and the worker connect in this time. The deadline is this plus the expected size
     * (the last backup's, or the server's used memory if larger) at {@link #snapshotMinRate}.
     */
    @WithDefault("10m")
    Duration snapshotDeadlineBase();

    /** The slowest a snapshot may arrive, in bytes a second, once its bytes flow (1 MiB/s by default). */
    @WithDefault("1048576")
    long snapshotMinRate();

    /** How long a snapshot may arrive below {@link #snapshotMinRate} before it fails as SNAPSHOT_TOO_SLOW. */
    @WithDefault("60s")
    Duration snapshotSlowFor();

    /**
     * The share of an instance's used memory its snapshot's fork may copy while writes go on: the fork must fit
     * beside what the server holds in its machine's memory (or the instance's memoryLimitBytes), else the backup
     * fails as SOURCE_MEMORY_LOW before anything is forked. 0 checks nothing.
     */
    @WithDefault("0.25")
    double sourceForkReserve();

    /**
     * The bytes a second a snapshot is expected to arrive at (or the backup's rate limit, if lower): for how long a
     * server without {@code REPLCONF rdb-only} (before Redis 7) buffers writes for it, weighed against its replica
     * buffer limit (SOURCE_BUFFER_LIMIT).
     */
    @WithDefault("67108864")
    long sourceTransferRate();

    /**
     * How many snapshots of a synthetic RDB the worker takes at its start into scratch backups it throws away, so
     * that its first large backups do not run in the interpreter; 0 takes none.
     */
    @WithDefault("3")
    int warmUpSnapshots();

    /** How often a running backup reports its progress. */
    @WithDefault("1s")
    Duration progressInterval();
}
