package io.redisbackup.taskexecution;

import io.redisbackup.contracts.TaskError;

/** What the task's history says about retries and lost workers, in the same words for every kind of task. */
public final class Retries {

    public static final String WORKER_LOST = "WORKER_LOST";

    private Retries() {
    }

    /** The first message of an attempt: for a retry, which attempt it is and why it runs. */
    public static String starting(Attempt attempt, int maxAttempts, String what) {
        if (attempt.number() == 1) {
            return what;
        }
        return "Attempt " + attempt.number() + " of at most " + maxAttempts + ": the worker of attempt "
                + (attempt.number() - 1) + " stopped before it ended; " + what;
    }

    /** Why a lost task failed. */
    public static TaskError lost(TaskExecution lost, int maxAttempts) {
        if (lost.attempt >= maxAttempts) {
            return new TaskError(WORKER_LOST, "The task was started " + lost.attempt + " times and its worker "
                    + "stopped each time; it is failed, and will not run again.");
        }
        return new TaskError(WORKER_LOST, "The worker of attempt " + lost.attempt + " stopped renewing its hold on "
                + "the task at " + lost.heartbeatAt + " and no worker took the task up again in time; it is failed, "
                + "and will not run again.");
    }
}
