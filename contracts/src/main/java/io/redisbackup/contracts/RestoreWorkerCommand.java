package io.redisbackup.contracts;

/**
 * What the restore worker is asked to do, on {@link Topics#RESTORE_COMMANDS}: a recovery, or a restore drill of a
 * backup; keyed by the instance it concerns.
 */
public sealed interface RestoreWorkerCommand extends TaskCommand permits RecoveryCommand, VerifyBackupCommand {
}
