package io.redisbackup.apigateway;

/** Where a backup is in its life, as the gateway's catalogue knows it. */
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

    /** Whether a task is still working on the backup. */
    public boolean inProgress() {
        return this == PENDING || this == RUNNING || this == DELETING;
    }
}
