package io.redisbackup.contracts;

import java.util.UUID;

/**
 * A command that a task carries out, on the topic of the worker that takes it ({@link Topics#of}). Whoever accepts
 * the task sends it with the task's first event ({@link TaskStatusChanged#accepted}), in one transaction.
 */
public sealed interface TaskCommand extends Message permits BackupWorkerCommand, RestoreWorkerCommand {

    /** The backup the task takes, deletes or recovers from. */
    UUID backupId();

    /** Who asked for the task. */
    Trigger trigger();
}
