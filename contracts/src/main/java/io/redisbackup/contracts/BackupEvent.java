package io.redisbackup.contracts;

import java.util.UUID;

/** What happened to a backup, on {@link Topics#BACKUP_EVENTS}; the gateway keeps its catalogue from these. */
public sealed interface BackupEvent extends Message permits BackupScheduled, BackupStarted, BackupCompleted, BackupFailed, BackupDeleted,
        BackupCorrupted, BackupVerified {

    UUID backupId();
}
