package io.redisbackup.backupstore.keyindex;

import java.io.IOException;

/** Stored bytes that fail their checksum, are cut short or cannot be what their format says: the backup is damaged. */
public final class DamagedBackupException extends IOException {

    public DamagedBackupException(String message) {
        super(message);
    }
}
