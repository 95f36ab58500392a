package io.redisbackup.contracts;

/** What the backup worker is asked to do, on {@link Topics#BACKUP_COMMANDS}. Idempotent by task id. */
public sealed interface BackupWorkerCommand extends Message permits TakeBackupCommand, DeleteBackupCommand {
}
