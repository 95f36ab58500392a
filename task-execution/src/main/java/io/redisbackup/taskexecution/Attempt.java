package io.redisbackup.taskexecution;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One attempt at a task, held by the worker that runs it. The worker renews its heartbeat in the background; before
 * every change to the outside world (publishing a backup, emptying or writing an instance) it calls {@link #renew},
 * which fails once the attempt was declared lost or overtaken by a later one. A renewal holds the task for
 * {@code task-execution.lost-after}: no other worker can declare it lost before then.
 */
public final class Attempt implements AutoCloseable {

    private final TaskLedger ledger;
    private final UUID taskId;
    private final int number;
    private volatile boolean fenced;
    private volatile boolean targetChanged;

    Attempt(TaskLedger ledger, UUID taskId, int number, boolean targetChanged) {
        this.ledger = ledger;
        this.taskId = taskId;
        this.number = number;
        this.targetChanged = targetChanged;
    }

    public UUID taskId() {
        return taskId;
    }

    /** 1 for the first attempt at the task, 2 and 3 for retries after a worker stopped. */
    public int number() {
        return number;
    }

    /** Renews the attempt's hold on its task; {@link Fenced} when it has none any more. */
    public void renew() {
        hold(() -> ledger.renew(taskId, number));
    }

    /**
     * {@link #renew}, and notes that the attempt is about to change its target (a recovery empties the instance);
     * the note is on disk before this returns.
     */
    public void changingTarget() {
        changingTarget(true);
    }

    /**
     * {@link #changingTarget()}; {@code durably} false where losing the note to a crash of the database itself
     * (not of this worker) would change nothing reported (a recovery of chosen keys): the commit does not wait for
     * the disk.
     */
    public void changingTarget(boolean durably) {
        hold(() -> ledger.changingTarget(taskId, number, durably));
        targetChanged = true;
    }

    /** Whether this attempt, or an earlier one at the task, began to change its target. */
    public boolean targetChanged() {
        return targetChanged;
    }

    /** Cheap check for loops: {@link Fenced} if the background renewal found the attempt fenced. */
    public void ensureHeld() {
        hold(() -> true);
    }

    /** Fails with {@link Fenced}, for good, once the attempt was fenced or {@code renewal} finds it so. */
    private void hold(BooleanSupplier renewal) {
        if (fenced || !renewal.getAsBoolean()) {
            fenced = true;
            throw new Fenced(taskId, number);
        }
    }

    /** Records the outcome; false (and nothing recorded) if the attempt was fenced meanwhile. */
    public boolean finish(TaskExecution.Status outcome) {
        return ledger.finish(taskId, number, outcome);
    }

    void heartbeat() {
        if (!fenced && !ledger.renew(taskId, number)) {
            fenced = true;
        }
    }

    @Override
    public void close() {
        ledger.release(this);
    }

    /** Throws the {@link Fenced} that a failure wraps (a callback's, caught by code that knows nothing of attempts). */
    public static void rethrowIfFenced(Throwable failure) {
        if (failure.getCause() instanceof Fenced fenced) {
            throw fenced;
        }
    }

    /** The attempt may not act any more: its task was declared lost, or a later attempt took it. */
    public static final class Fenced extends RuntimeException {
        public Fenced(UUID taskId, int attempt) {
            super("Attempt " + attempt + " at task " + taskId + " was declared lost or overtaken; it stops here");
        }
    }
}
