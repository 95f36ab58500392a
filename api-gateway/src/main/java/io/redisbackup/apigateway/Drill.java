package io.redisbackup.apigateway;

/**
 * When an instance's backups get a restore drill of their own accord: never, after every automatic backup, or
 * weekly (the newest good backup, when none was drilled in the last 7 days).
 */
public enum Drill {
    NONE, AFTER_EVERY_BACKUP, WEEKLY
}
