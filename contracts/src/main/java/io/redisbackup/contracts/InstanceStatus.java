package io.redisbackup.contracts;

/**
 * What an instance is doing, or what its last recovery left it in. On topics it travels as the constant ({@code RECOVERING_BY_BACKUP_ID}); people see its
 * display name ({@code Recovering Backup by Backup ID}).
 */
public enum InstanceStatus {
    RUNNING("Running"),
    RECOVERING_BY_BACKUP_ID("Recovering Backup by Backup ID"),
    RECOVERING_BY_KEY("Recovering Backup by Key"),
    /**
     * A whole-instance recovery stopped after it had begun to empty the instance (its worker was lost, or the target
     * failed mid-load): the instance may hold part of the backup. Nothing is blocked; the next recovery that
     * succeeds makes it {@link #RUNNING} again.
     */
    RECOVERY_FAILED("Recovery Failed");

    private final String displayName;

    InstanceStatus(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
