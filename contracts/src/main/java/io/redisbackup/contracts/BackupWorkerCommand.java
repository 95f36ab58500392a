package io.redisbackup.contracts;

/** What the backup worker is asked to do, on {@link Topics#BACKUP_COMMANDS}. Idempotent by task id. */
public sealed interface BackupWorkerCommand extends TaskCommand permits TakeBackupCommand, DeleteBackupCommand {
}
