package io.redisbackup.contracts;

/** The kinds of task the task center shows. */
public enum TaskType {
    BACKUP, RECOVER_INSTANCE, RECOVER_KEYS, DELETE_BACKUP
}
