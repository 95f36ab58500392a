package io.redisbackup.contracts;

import java.util.List;

/**
 * The Kafka topics of the platform. Every record on every topic is keyed by the instance id, so that the
 * messages of one instance stay in order and workers scale out as members of one consumer group.
 */
public final class Topics {

    /** Backup commands, from the gateway (manual) and the scheduler (automatic) to the backup worker. */
    public static final String BACKUP_COMMANDS = "backup-commands";
    /** Recovery commands, from the gateway to the restore worker. */
    public static final String RESTORE_COMMANDS = "restore-commands";
    /** The backup policy of each instance, compacted: the latest record per instance is its policy. */
    public static final String BACKUP_POLICIES = "backup-policies";
    /** Every status change of every task; the task center builds its records from it. */
    public static final String TASK_STATUS = "task-status";
    /** Backups created and deleted, from the backup worker to the gateway's catalogue. */
    public static final String BACKUP_EVENTS = "backup-events";
    /** Instance status changes (Running, Recovering ...), from the restore worker to the gateway. */
    public static final String INSTANCE_STATUS = "instance-status";
    /** The audit trail: every change, download and refusal at the gateway, one entry per message. */
    public static final String AUDIT_EVENTS = "audit-events";

    public static final List<String> ALL = List.of(
            BACKUP_COMMANDS, RESTORE_COMMANDS, BACKUP_POLICIES, TASK_STATUS, BACKUP_EVENTS, INSTANCE_STATUS,
            AUDIT_EVENTS);

    private Topics() {
    }

    /** The topic a command goes to: its worker's. */
    public static String of(TaskCommand command) {
        return switch (command) {
            case BackupWorkerCommand backup -> BACKUP_COMMANDS;
            case RestoreWorkerCommand recovery -> RESTORE_COMMANDS;
        };
    }
}
