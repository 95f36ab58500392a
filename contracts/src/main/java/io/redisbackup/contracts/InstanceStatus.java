package io.redisbackup.apigateway;

import com.fasterxml.jackson.annotation.JsonValue;

/** What an instance is doing, shown by its display name. */
public enum InstanceStatus {
    RUNNING("Running"),
    RECOVERING_BY_BACKUP_ID("Recovering Backup by Backup ID"),
    RECOVERING_BY_KEY("Recovering Backup by Key");

    private final String displayName;

    InstanceStatus(String displayName) {
        this.displayName = displayName;
    }

    @JsonValue
    public String displayName() {
        return displayName;
    }
}
