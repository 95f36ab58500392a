package io.redisbackup.contracts;

/**
 * How a backup came to be: from the instance's backup policy ({@code AUTOMATIC}), asked for ({@code MANUAL}), or
 * taken of an instance just before a recovery replaced its dataset ({@code PRE_RECOVERY}: the way back, kept 7
 * days).
 */
public enum BackupType {
    AUTOMATIC, MANUAL, PRE_RECOVERY
}
