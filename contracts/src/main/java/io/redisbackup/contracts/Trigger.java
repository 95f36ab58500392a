package io.redisbackup.contracts;

/** What started a task: a person or program through the API ({@code MANUAL}), or the scheduler. */
public enum Trigger {
    MANUAL, SCHEDULED
}
