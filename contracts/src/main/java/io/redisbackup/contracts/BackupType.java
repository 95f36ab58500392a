package io.redisbackup.contracts;

/** How a backup came to be: from the instance's backup policy ({@code AUTOMATIC}), or asked for. */
public enum BackupType {
    AUTOMATIC, MANUAL
}
