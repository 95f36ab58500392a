package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.util.function.Consumer;

import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.taskexecution.Attempt;
import io.redisbackup.taskexecution.TaskReporter;
import io.redisbackup.restoreworker.recovery.KeyRouting;
import io.redisbackup.restoreworker.recovery.TargetPipes;

/**
 * A recovery of one mode whose backup has been checked as far as it can be before the instance's lease is taken;
 * {@link #run} changes the instance, once its {@link Target} is checked.
 */
@FunctionalInterface
interface Recovery {

    /** What a running recovery reports through, and the attempt it renews before it changes the instance. */
    record Reporting(TaskReporter task, Attempt attempt, Consumer<InstanceStatus> instanceStatus) {
    }

    /**
     * The target instance, being checked while the recovery may read the backup: {@link #checked} waits for the
     * checks and gives it, or throws their failure. A recovery asks before it changes anything.
     */
    interface Target {
        KeyRouting checked() throws RecoveryFailure;

        /**
         * For a keys recovery: the pipes to the target's servers ({@link TargetPipes#forKeys}), opened and each server
         * checked on its own connection beside the reading of the backup; waits as {@link #checked} does. The caller
         * closes them.
         */
        TargetPipes keysPipes() throws RecoveryFailure;
    }

    RecoveryResult run(Target target, Reporting reporting) throws RecoveryFailure, IOException;
}
