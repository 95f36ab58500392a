package io.redisbackup.restoreworker.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The restore worker's own settings, under {@code restore-worker.}. */
@ConfigMapping(prefix = "restore-worker")
public interface RestoreWorkerConfig {

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

    /**
     * Where a whole-instance recovery from an object store keeps the copy, as stored, of the backup it has just
     * checked, so that the load reads it from this disk instead of from the store a second time; the system's
     * temporary directory unless set. A recovery reads the store twice when this disk has less free space than
     * the backup takes plus 1 GiB.
     */
    Optional<String> copyDirectory();

    /**
     * How many keys recoveries of a scratch backup the worker plans at start, on a thread of its own, so that its
     * first real ones do not run in the interpreter (a second or two of one core while it starts); 0: none.
     */
    @WithDefault("300")
    int warmUpPlans();

    /**
     * How many of those plans go over a scratch backup kept where the backups are, where reading it costs requests
     * to another service (an object store: a few tens of ranged GETs a plan), after the others; 0: none. They take
     * the reads' own path, which plans over a local scratch backup do not.
     */
    @WithDefault("30")
    int warmUpStorePlans();

    /** Restore drills: a backup loaded into a scratch redis-server of the worker's own. */
    Drill drill();

    interface Drill {
        /** The {@code redis-server} to start for a drill. */
        @WithDefault("redis-server")
        String redisServer();

        /** Where a drill puts the backup's RDB for its server; the system's temporary directory unless set. */
        Optional<String> directory();

        /**
         * The memory a drill may use; what the machine has available ({@code MemAvailable}) unless set. A drill
         * whose dataset needs more is refused with that reason.
         */
        Optional<Long> memoryBytes();

        /** How long the scratch server may take to load the backup. */
        @WithDefault("10m")
        Duration loadTimeout();
    }
}
