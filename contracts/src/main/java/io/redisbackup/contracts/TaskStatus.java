package io.redisbackup.contracts;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a task. Moves only forward; {@link #SUCCEEDED} and {@link #FAILED} are final. A status may repeat
 * where the task reports news without changing state (progress while RUNNING, a longer wait while DELAYED).
 */
public enum TaskStatus {
    /** Accepted and recorded; no worker has started it. */
    PENDING,
    /** A worker has it but must wait: another task is changing the same instance. */
    DELAYED,
    /** A worker is carrying it out. */
    RUNNING,
    /** Done; the result says what came of it. */
    SUCCEEDED,
    /** Given up; the error says why. */
    FAILED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
    }

    public boolean canTransitionTo(TaskStatus next) {
        return allowedNext().contains(next);
    }

    private Set<TaskStatus> allowedNext() {
        return switch (this) {
            case PENDING -> EnumSet.of(DELAYED, RUNNING, FAILED);
            case DELAYED -> EnumSet.of(DELAYED, RUNNING, FAILED);
            // RUNNING -> DELAYED: a retried task that finds the instance busy waits again
            case RUNNING -> EnumSet.of(RUNNING, DELAYED, SUCCEEDED, FAILED);
            case SUCCEEDED, FAILED -> EnumSet.noneOf(TaskStatus.class);
        };
    }
}
