package io.redisbackup.taskexecution;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.annotations.StaticInitSafe;

/**
 * How many tasks a worker carries out at once, when its settings do not say ({@code task-execution.concurrency}):
 * as many as its heap holds (rounded), at {@link #TASK_MEMORY} a task besides {@link #BASE_MEMORY} for the service,
 * from 1 to {@link #MOST}. A worker's memory is then a fixed budget whatever the concurrency: each task streams
 * within its own (a backup's key index runs of 16 MiB, an upload's parts in flight, buffers). A configuration source
 * of the lowest rank: a setting (application.properties, {@code TASK_EXECUTION_CONCURRENCY}) wins over it.
 * <p>
 * Safe, and needed, while the application starts ({@link StaticInitSafe}): the messaging worker pool that carries the
 * tasks ({@code smallrye.messaging.worker.*.max-concurrency=${task-execution.concurrency:1}}) is sized then, when
 * Quarkus asks only the sources it knows to be safe: without it the pool has one thread whatever the heap.
 */
@StaticInitSafe
public final class TaskConcurrency implements ConfigSource {

    public static final String PROPERTY = "task-execution.concurrency";
    /** What one running task may hold. */
    public static final long TASK_MEMORY = 64L << 20;
    /** What the service holds besides its tasks. */
    public static final long BASE_MEMORY = 128L << 20;
    /** At most: each running task may hold two database connections (its lease, its ledger's transaction). */
    public static final int MOST = 8;

    /** The concurrency a heap of this many bytes holds. */
    public static int forHeap(long heapBytes) {
        // rounded: the JVM's maxMemory is a little below its -Xmx (a survivor space it never fills)
        long tasks = Math.round((heapBytes - BASE_MEMORY) / (double) TASK_MEMORY);
        return (int) Math.max(1, Math.min(MOST, tasks));
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, getValue(PROPERTY));
    }

    @Override
    public String getValue(String name) {
        return PROPERTY.equals(name) ? Integer.toString(forHeap(Runtime.getRuntime().maxMemory())) : null;
    }

    @Override
    public String getName() {
        return "task-concurrency-from-heap";
    }

    @Override
    public int getOrdinal() {
        return 50; // below every file and variable
    }
}
