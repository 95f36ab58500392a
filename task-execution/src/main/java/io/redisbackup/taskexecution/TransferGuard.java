package io.redisbackup.taskexecution;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds a transfer to its limits: an overall deadline, and a minimum rate over any {@code slowFor} once bytes
 * flow. A transfer past either is stopped by closing its connection (a read or write blocked on it then fails at
 * once); {@link #stopped()} says why, for the task's error. Every wait on a network peer thus has an end, and one
 * slow instance never holds a worker beyond these limits.
 */
public final class TransferGuard implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "transfer-guard");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param deadlineBase the time allowed besides the bytes themselves (connecting, the server preparing its
     *        snapshot, the target emptying itself)
     * @param minBytesPerSecond the slowest rate accepted once bytes flow
     * @param slowFor how long a transfer may stay below that rate
     */
    public record Limits(Duration deadlineBase, long minBytesPerSecond, Duration slowFor) {

        /** The whole transfer's deadline, for about {@code expectedBytes}: the base plus those bytes at the minimum rate. */
        public Duration deadlineFor(long expectedBytes) {
            return deadlineBase.plusSeconds(Math.max(0, expectedBytes) / Math.max(1, minBytesPerSecond));
        }
    }

    private record Sample(long nanos, long bytes) {
    }

    private final String what;
    private final Limits limits;
    private final Duration deadline;
    private final Closeable connection;
    private final long startedNanos = System.nanoTime();
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final ScheduledFuture<?> checks;
    private volatile long bytes;
    private volatile String stopped;

    private TransferGuard(String what, Limits limits, long expectedBytes, Closeable connection) {
        this.what = what;
        this.limits = limits;
        this.deadline = limits.deadlineFor(expectedBytes);
        this.connection = connection;
        long every = Math.max(100, Math.min(1000, limits.slowFor().toMillis() / 4));
        this.checks = TIMER.scheduleAtFixedRate(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts guarding.
     *
     * @param what the transfer, for the message ("the snapshot from 10.0.0.5:6379")
     * @param connection closed when the transfer is stopped
     */
    public static TransferGuard start(String what, Limits limits, long expectedBytes, Closeable connection) {
        return new TransferGuard(what, limits, expectedBytes, connection);
    }

    /** The bytes moved so far (a running total). */
    public void transferred(long total) {
        bytes = total;
    }

    /** What a transfer reports its running total to: this guard, then {@code progress}. */
    public LongConsumer metering(LongConsumer progress) {
        return total -> {
            transferred(total);
            progress.accept(total);
        };
    }

    /** Why the transfer was stopped, or null while it was not. */
    public String stopped() {
        return stopped;
    }

    private synchronized void check() {
        if (stopped != null) {
            return;
        }
        long now = System.nanoTime();
        if (now - startedNanos >= deadline.toNanos()) {
            stop(what + " did not finish within its deadline of " + seconds(deadline) + " s ("
                    + seconds(limits.deadlineBase()) + " s plus the expected size at " + rate() + ")");
            return;
        }
        long total = bytes;
        if (total == 0) {
            return; // nothing flows yet: the deadline alone limits the wait for the first byte
        }
        samples.addLast(new Sample(now, total));
        long window = limits.slowFor().toNanos();
        while (samples.size() > 1 && now - secondOldest().nanos() >= window) {
            samples.removeFirst();
        }
        Sample oldest = samples.peekFirst();
        long elapsed = now - oldest.nanos();
        if (elapsed >= window && (total - oldest.bytes()) * 1_000_000_000.0 / elapsed < limits.minBytesPerSecond()) {
            stop(what + " moved " + (total - oldest.bytes()) + " bytes in the last " + seconds(limits.slowFor())
                    + " s, below the minimum rate of " + rate());
        }
    }

    private Sample secondOldest() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    private void stop(String why) {
        stopped = why;
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // closed already
        }
    }

    private String rate() {
        return limits.minBytesPerSecond() + " bytes/s";
    }

    private static long seconds(Duration duration) {
        return duration.toSeconds();
    }

    @Override
    public void close() {
        checks.cancel(false);
    }
}
