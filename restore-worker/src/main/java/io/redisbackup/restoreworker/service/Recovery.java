package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.util.function.Consumer;

import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.taskexecution.Attempt;
import io.redisbackup.taskexecution.TaskReporter;
import io.redisbackup.restoreworker.recovery.KeyRouting;

/**
 * A recovery of one mode whose backup has been checked as far as it can be before the instance's lease is taken;
 * {@link #run} changes the instance.
 */
@FunctionalInterface
interface Recovery {

    /** What a running recovery reports through, and the attempt it renews before it changes the instance. */
    record Reporting(TaskReporter task, Attempt attempt, Consumer<InstanceStatus> instanceStatus) {
    }

    RecoveryResult run(KeyRouting target, Reporting reporting) throws RecoveryFailure, IOException;
}
