package io.redisbackup.taskexecution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.redisbackup.contracts.TaskCommand;
import io.redisbackup.contracts.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;

/**
 * The worker's ledger of the commands it took up ({@code task_execution}, in the worker's own schema): what makes a
 * redelivered command harmless, and what fences a lost attempt. Every transaction here is its own (programmatic, so that the {@link Attempt}s this class
 * hands out get them too).
 */
@ApplicationScoped
public class TaskLedger {

    private static final Logger LOG = Logger.getLogger(TaskLedger.class);
    /** A LOST row still LOST after this was left by a worker that died while reporting it: report it again. */
    private static final Duration UNREPORTED = Duration.ofMinutes(1);

    private final Clock clock;
    private final TaskExecutionConfig config;
    private final Event<LostTask> lostTasks;
    private final Map<UUID, Attempt> held = new ConcurrentHashMap<>();
    /** The commands this worker is carrying out now, by task: a copy that comes meanwhile waits for the first. */
    private final Map<UUID, ReentrantLock> underWay = new ConcurrentHashMap<>();

    private final AgroalDataSource dataSource;
    /** The ledger's table, in the worker's own schema (the entity's, {@link TaskExecution}). */
    private final String table;

    public TaskLedger(Clock clock, TaskExecutionConfig config, Event<LostTask> lostTasks, AgroalDataSource dataSource,
            @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") Optional<String> schema) {
        this.clock = clock;
        this.config = config;
        this.lostTasks = lostTasks;
        this.dataSource = dataSource;
        this.table = schema.map(name -> name + ".").orElse("") + "task_execution";
    }

    /** What to do with a command that came in. */
    public sealed interface Start {
    }

    /** Run it, under this attempt (close it when done). */
    public record Run(Attempt attempt) implements Start {
    }

    /** Its outcome is recorded already: acknowledge it and do nothing. */
    public record Done() implements Start {
    }

    /**
     * Its last attempt stopped renewing more than {@code lost-after} ago, or it was started {@code max-attempts}
     * times already: the task is declared lost now (fenced); report it as the worker reports every lost task
     * ({@link LostTask}) and do nothing else.
     */
    public record Lost(TaskExecution execution) implements Start {
    }

    /** What a worker does with a command, under its attempt. */
    @FunctionalInterface
    public interface Work<E extends Exception> {
        void run(Attempt attempt) throws E;
    }

    /** How a worker reports and cleans up after a task that was lost. */
    @FunctionalInterface
    public interface Settle<E extends Exception> {
        void settle(TaskExecution lost) throws E;
    }

    /**
     * Carries a command out once, however often it is delivered: {@code work} runs under a new attempt; a command
     * carried out already is acknowledged and ignored; a task found lost goes to {@code onLost} to be reported. An
     * attempt fenced meanwhile stops where it is, without reporting: the worker that declared it lost does that.
     */
    public <E extends Exception> void carryOut(TaskCommand command, Settle<E> onLost, Work<E> work) throws E {
        // a worker carries out several commands at once: a second copy of one it is carrying out waits for the
        // first, then finds it done, rather than take it over
        ReentrantLock own = underWay.computeIfAbsent(command.taskId(), id -> new ReentrantLock());
        own.lock();
        try {
            carryOutAlone(command, onLost, work);
        } finally {
            own.unlock();
            if (!own.hasQueuedThreads()) {
                underWay.remove(command.taskId(), own);
            }
        }
    }

    private <E extends Exception> void carryOutAlone(TaskCommand command, Settle<E> onLost, Work<E> work) throws E {
        switch (begin(command)) {
            case Done done -> LOG.infof("Task %s was carried out already; the repeated command is ignored",
                    command.taskId());
            case Lost lost -> onLost.settle(lost.execution());
            case Run run -> {
                try (Attempt attempt = run.attempt()) {
                    work.run(attempt);
                } catch (Attempt.Fenced fenced) {
                    LOG.warn(fenced.getMessage());
                }
            }
        }
    }

    /**
     * Takes a command up. Two workers that take up the same new command at once both find no row: the one whose
     * insert loses takes it up again, and finds the other's attempt.
     */
    public Start begin(TaskCommand command) {
        try {
            return beginOnce(command);
        } catch (RuntimeException e) {
            if (!insertLost(e)) {
                throw e;
            }
            LOG.infof("Task %s was taken up by another worker at the same moment; taking it up again", command.taskId());
            return beginOnce(command);
        }
    }

    /** Whether the failure is a unique key's: a row inserted meanwhile by another transaction. */
    private static boolean insertLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException
                    || t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (insertLost(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Start beginOnce(TaskCommand command) {
        Start start = insertFirstAttempt(command) ? new Run(new Attempt(this, command.taskId(), 1, false))
                : beginKnown(command);
        if (start instanceof Run run) {
            held.put(run.attempt().taskId(), run.attempt());
        }
        return start;
    }

    /** A command whose task may have a row already: read and locked, then run again, found done, or lost. */
    private Start beginKnown(TaskCommand command) {
        return QuarkusTransaction.requiringNew().call(() -> {
            // the new row or attempt need not survive a database crash: an attempt whose row was lost cannot renew
            // it and stops (fenced), and the command, not yet committed in Kafka, comes again
            commitWithoutWalFlush();
            Instant now = clock.instant();
            TaskExecution execution = TaskExecution.findById(command.taskId(), LockModeType.PESSIMISTIC_WRITE);
            if (execution == null) {
                execution = new TaskExecution();
                execution.taskId = command.taskId();
                execution.instanceId = command.instanceId();
                execution.backupId = command.backupId();
                execution.taskType = TaskType.of(command);
                execution.trigger = command.trigger();
                execution.status = TaskExecution.Status.RUNNING;
                execution.attempt = 1;
                execution.updatedAt = now;
                execution.heartbeatAt = now;
                execution.persist();
                return new Run(new Attempt(this, execution.taskId, 1, false));
            }
            switch (execution.status) {
                case SUCCEEDED, FAILED -> {
                    return new Done();
                }
                case LOST -> {
                    return new Lost(execution);
                }
                case RUNNING -> {
                    // lost: renewed by nobody for too long, or its worker stopped as often as a task may be retried
                    if (isLost(execution, now) || execution.attempt >= config.maxAttempts()) {
                        declareLost(execution, now);
                        return new Lost(execution);
                    }
                    execution.attempt++;
                    execution.updatedAt = now;
                    execution.heartbeatAt = now;
                    return new Run(new Attempt(this, execution.taskId, execution.attempt,
                            execution.targetChangedAt != null));
                }
            }
            throw new IllegalStateException("unknown status " + execution.status);
        });
    }

    /** Records how a lost task was reported: FAILED, or SUCCEEDED when its attempt had finished the work. */
    public void settled(UUID taskId, TaskExecution.Status outcome) {
        QuarkusTransaction.requiringNew().run(() -> {
            TaskExecution execution = TaskExecution.findById(taskId, LockModeType.PESSIMISTIC_WRITE);
            if (execution != null && execution.status == TaskExecution.Status.LOST) {
                execution.status = outcome;
                execution.updatedAt = clock.instant();
            }
        });
    }

    /**
     * Declares lost every attempt (of any worker sharing this schema) whose heartbeat is older than
     * {@code lost-after}, and hands each to the worker to report ({@link LostTask}).
     */
    @Scheduled(every = "${task-execution.sweep-interval:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void sweep() {
        Instant now = clock.instant();
        List<TaskExecution> lost = QuarkusTransaction.requiringNew().call(() -> {
            List<TaskExecution> found = TaskExecution.<TaskExecution>find(
                    "(status = ?1 and heartbeatAt < ?2) or (status = ?3 and updatedAt < ?4)",
                    TaskExecution.Status.RUNNING, now.minus(config.lostAfter()), TaskExecution.Status.LOST,
                    now.minus(UNREPORTED))
                    .withLock(LockModeType.PESSIMISTIC_WRITE)
                    .withHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED: another worker has it
                    .list();
            found.forEach(execution -> declareLost(execution, now));
            return found;
        });
        for (TaskExecution execution : lost) {
            try {
                lostTasks.fire(new LostTask(execution));
            } catch (RuntimeException e) {
                LOG.warnf("Could not report lost task %s yet (tried again in a minute): %s", execution.taskId,
                        e.getMessage());
            }
        }
    }

    void announce(@Observes StartupEvent started) {
        LOG.infof("This worker carries out up to %d tasks at once (task-execution.concurrency)", config.concurrency());
    }

    @Scheduled(every = "${task-execution.heartbeat-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void heartbeat() {
        for (Attempt attempt : held.values()) {
            try {
                attempt.heartbeat();
            } catch (RuntimeException e) {
                LOG.warnf("Could not renew attempt %d at task %s: %s", attempt.number(), attempt.taskId(),
                        e.getMessage());
            }
        }
    }

    /**
     * The check is the update's condition, decided when it runs; the new heartbeat need not survive a database crash
     * (it would only be a few seconds older), so the commit does not wait for the disk: a renewal costs well under a
     * millisecond instead of a WAL flush, and a per-key recovery, which renews twice, does not pay for two.
     */
    boolean renew(UUID taskId, int attempt) {
        return updateRunning(taskId, attempt, false, "heartbeat_at = ?", at(clock.instant()));
    }

    boolean changingTarget(UUID taskId, int attempt, boolean durably) {
        Object now = at(clock.instant());
        return updateRunning(taskId, attempt, durably,
                "heartbeat_at = ?, target_changed_at = coalesce(target_changed_at, ?)", now, now);
    }

    boolean finish(UUID taskId, int attempt, TaskExecution.Status outcome) {
        boolean recorded = updateRunning(taskId, attempt, true, "status = ?, updated_at = ?", outcome.name(),
                at(clock.instant()));
        if (!recorded) {
            LOG.warnf("Attempt %d at task %s ended %s after it was declared lost or overtaken; that outcome is not "
                    + "recorded", attempt, taskId, outcome);
        }
        return recorded;
    }

    /**
     * Sets {@code assignments} (their {@code values} in order) on the attempt's row while it is RUNNING under that
     * attempt; whether it was. {@code durably} false: the commit does not wait for the disk.
     */
    private boolean updateRunning(UUID taskId, int attempt, boolean durably, String assignments, Object... values) {
        String sql = "update " + table + " set " + assignments + " where task_id = ? and attempt = ? and status = ?";
        Object[] all = java.util.Arrays.copyOf(values, values.length + 3);
        all[values.length] = taskId;
        all[values.length + 1] = attempt;
        all[values.length + 2] = TaskExecution.Status.RUNNING.name();
        try {
            return execute(sql, durably, all) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record attempt " + attempt + " at task " + taskId + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A command seen for the first time, the usual case: its row and first attempt in one insert; false when the
     * task has a row already (a repeated command, a later attempt), which {@link #beginOnce} then reads and locks.
     * Like the rest, it need not survive a database crash.
     */
    private boolean insertFirstAttempt(TaskCommand command) {
        Object now = at(clock.instant());
        TaskType type = TaskType.of(command);
        String sql = "insert into " + table + " (task_id, instance_id, backup_id, task_type, trigger, status, attempt, "
                + "updated_at, heartbeat_at) values (?, ?, ?, ?, ?, ?, 1, ?, ?) on conflict (task_id) do nothing";
        try {
            return execute(sql, false, command.taskId(), command.instanceId(), command.backupId(), type.name(),
                    command.trigger() == null ? null : command.trigger().name(),
                    TaskExecution.Status.RUNNING.name(), now, now) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot take up task " + command.taskId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * One statement in a transaction of its own, straight over JDBC, and the rows it changed: every task makes
     * several (its first attempt, renewals, the changing-target mark, the outcome), and the ORM's transaction and
     * query machinery cost more CPU than the statement. {@code durably} false: the commit does not wait for the disk.
     */
    private int execute(String sql, boolean durably, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!durably) {
                    try (Statement local = connection.createStatement()) {
                        local.execute("set local synchronous_commit = off");
                    }
                }
                int changed;
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < values.length; i++) {
                        if (values[i] == null) {
                            statement.setNull(i + 1, java.sql.Types.VARCHAR);
                        } else {
                            statement.setObject(i + 1, values[i]);
                        }
                    }
                    changed = statement.executeUpdate();
                }
                connection.commit();
                return changed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static Object at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** This transaction's commit does not wait for the disk (well under a millisecond instead of a WAL flush). */
    private static void commitWithoutWalFlush() {
        TaskExecution.getEntityManager().createNativeQuery("set local synchronous_commit = off").executeUpdate();
    }

    void release(Attempt attempt) {
        held.remove(attempt.taskId(), attempt);
    }

    private boolean isLost(TaskExecution execution, Instant now) {
        return execution.heartbeatAt.isBefore(now.minus(config.lostAfter()));
    }

    private void declareLost(TaskExecution execution, Instant now) {
        LOG.infof("Task %s (%s, attempt %d) is lost: its worker has not renewed it since %s", execution.taskId,
                execution.taskType, execution.attempt, execution.heartbeatAt);
        execution.status = TaskExecution.Status.LOST;
        execution.updatedAt = now;
    }

    /** A task declared lost, for the worker to report and clean up after; then {@link #settled}. */
    public record LostTask(TaskExecution execution) {
    }
}
