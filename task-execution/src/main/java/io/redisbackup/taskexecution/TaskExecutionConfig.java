package io.redisbackup.taskexecution;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What every worker is given, and how it holds the tasks it runs, under {@code task-execution.}. */
@ConfigMapping(prefix = "task-execution")
public interface TaskExecutionConfig {

    /** Base64 of the 32-byte key the gateway seals instance passwords with ({@code REDIS_BACKUP_SECRET_KEY}). */
    String secretKey();

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

    /** How often one command is taken up again after its worker stopped, before the task is failed as lost. */
    @WithDefault("3")
    int maxAttempts();

    /** How often a task that waits for another task on its instance tries again. */
    @WithDefault("1s")
    Duration leaseRetryInterval();

    /**
     * How many tasks the worker carries out at once; the tasks of one instance still run one at a time (each holds
     * the instance's lease, {@link InstanceLeases}; one that finds it taken waits as DELAYED). Unless set, as many
     * as the heap holds ({@link TaskConcurrency}).
     */
    int concurrency();

    /** How often a waiting task says it is still waiting. */
    @WithDefault("30s")
    Duration delayReportInterval();
}
