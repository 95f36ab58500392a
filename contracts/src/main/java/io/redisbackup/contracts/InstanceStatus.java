package io.redisbackup.contracts;

/**
 * What an instance is doing. On topics it travels as the constant ({@code RECOVERING_BY_BACKUP_ID}); people see its
 * display name ({@code Recovering Backup by Backup ID}).
 */
public enum InstanceStatus {
    RUNNING("Running"),
    RECOVERING_BY_BACKUP_ID("Recovering Backup by Backup ID"),
    RECOVERING_BY_KEY("Recovering Backup by Key");

    private final String displayName;

    InstanceStatus(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
