package io.redisbackup.taskexecution;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;


/**
 * Waits for an instance's turn: takes its lease, or reports the task DELAYED (and again now and then) until the
 * task holding it ends; once the task starts, its RUNNING message says how long it waited.
 */
@ApplicationScoped
public class LeaseWaiter {

    private final InstanceLeases leases;
    private final Clock clock;
    private final Duration retryEvery;
    private final Duration reportEvery;

    public LeaseWaiter(InstanceLeases leases, Clock clock, TaskExecutionConfig config) {
        this.leases = leases;
        this.clock = clock;
        this.retryEvery = config.leaseRetryInterval();
        this.reportEvery = config.delayReportInterval();
    }

    /**
     * @param starting what the task does once it has the instance, for its RUNNING message
     */
    public InstanceLeases.Lease await(UUID instanceId, TaskReporter task, String starting) throws SQLException {
        Optional<InstanceLeases.Lease> lease = leases.tryAcquire(instanceId);
        if (lease.isPresent()) {
            task.running(starting);
            return lease.get();
        }
        Instant since = clock.instant();
        Instant lastReport = since;
        task.delayed("Another task is changing this instance; this one starts as soon as it ends.");
        while (lease.isEmpty()) {
            sleep(retryEvery);
            lease = leases.tryAcquire(instanceId);
            Instant now = clock.instant();
            if (lease.isEmpty() && Duration.between(lastReport, now).compareTo(reportEvery) >= 0) {
                lastReport = now;
                task.delayed("Still waiting for another task on this instance (" + seconds(since, now) + " s so far).");
            }
        }
        task.running("Delayed by " + seconds(since, clock.instant()) + " s while another task changed the instance; "
                + starting);
        return lease.get();
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the instance", e);
        }
    }
}
