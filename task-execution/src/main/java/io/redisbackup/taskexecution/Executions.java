package io.redisbackup.taskexecution;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import io.redisbackup.contracts.Message;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/** The record of commands taken up: what makes a redelivered command harmless. */
@ApplicationScoped
public class Executions {

    private final Clock clock;

    public Executions(Clock clock) {
        this.clock = clock;
    }

    /**
     * Takes a command up: the attempt number to run it under, or empty when its outcome is already recorded and it
     * must not run again.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Integer> begin(Message command, UUID backupId) {
        TaskExecution execution = TaskExecution.findById(command.taskId(), LockModeType.PESSIMISTIC_WRITE);
        if (execution == null) {
            execution = new TaskExecution();
            execution.taskId = command.taskId();
            execution.instanceId = command.instanceId();
            execution.backupId = backupId;
            execution.status = TaskExecution.Status.RUNNING;
            execution.attempt = 1;
            execution.updatedAt = clock.instant();
            execution.persist();
            return Optional.of(1);
        }
        if (execution.status != TaskExecution.Status.RUNNING) {
            return Optional.empty();
        }
        execution.attempt++;
        execution.updatedAt = clock.instant();
        return Optional.of(execution.attempt);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void finish(UUID taskId, TaskExecution.Status outcome) {
        TaskExecution execution = TaskExecution.findById(taskId);
        execution.status = outcome;
        execution.updatedAt = clock.instant();
    }
}
