package io.redisbackup.contracts;

/** The kinds of task the task center shows. */
public enum TaskType {
    BACKUP, RECOVER_INSTANCE, RECOVER_KEYS, DELETE_BACKUP, VERIFY_BACKUP;

    /** The kind of task a command carries out. */
    public static TaskType of(TaskCommand command) {
        return switch (command) {
            case TakeBackupCommand take -> BACKUP;
            case DeleteBackupCommand delete -> DELETE_BACKUP;
            case RecoverInstanceCommand whole -> RECOVER_INSTANCE;
            case RecoverKeysCommand chosen -> RECOVER_KEYS;
            case VerifyBackupCommand drill -> VERIFY_BACKUP;
        };
    }
}
