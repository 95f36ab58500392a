package io.redisbackup.apigateway;

import java.util.EnumSet;
import java.util.Set;

import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.BackupDeleted;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.BackupScheduled;
import io.redisbackup.contracts.BackupStarted;
import io.redisbackup.contracts.BackupVerified;

/**
 * Where a backup is in its life, as the gateway's catalogue knows it. It follows the backup's events through one
 * table ({@link #after}, {@link #canTransitionTo}), as a task's status follows its task's: a repeated or late event
 * whose move the table does not allow changes nothing.
 */
public enum BackupStatus {
    /** Asked for; no worker has started it. */
    PENDING,
    /** The worker is receiving the snapshot. */
    RUNNING,
    /** Stored and checksummed: it can be downloaded and recovered from. */
    SUCCEEDED,
    /** It could not be taken; nothing of it is stored. */
    FAILED,
    /** Its data is being removed. */
    DELETING,
    /**
     * A reader (a recovery, a download) found its data damaged: it is neither recovered from nor downloaded any
     * more; it can be deleted.
     */
    CORRUPT;

    public boolean canTransitionTo(BackupStatus next) {
        return allowedNext().contains(next);
    }

    private Set<BackupStatus> allowedNext() {
        return switch (this) {
            // a backup may end without its start having been seen
            case PENDING -> EnumSet.of(RUNNING, SUCCEEDED, FAILED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED);
            case SUCCEEDED -> EnumSet.of(CORRUPT, DELETING);
            case FAILED, CORRUPT -> EnumSet.of(DELETING);
            // a deletion ends with the backup's row removed (BackupDeleted)
            case DELETING -> EnumSet.noneOf(BackupStatus.class);
        };
    }

    /**
     * The status a backup event moves its backup to; null for the events that make or remove the catalogue's row
     * ({@link BackupScheduled}, {@link BackupDeleted}) and for a drill's verdict ({@link BackupVerified}).
     */
    public static BackupStatus after(BackupEvent event) {
        return switch (event) {
            case BackupStarted started -> RUNNING;
            case BackupCompleted completed -> SUCCEEDED;
            case BackupFailed failed -> FAILED;
            case BackupCorrupted corrupted -> CORRUPT;
            case BackupScheduled scheduled -> null;
            case BackupDeleted deleted -> null;
            case BackupVerified verified -> null;
        };
    }
}
