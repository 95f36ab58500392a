package io.redisbackup.contracts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What every message on every topic carries. In JSON, {@code messageType} names the record
 * ({@code "TakeBackupCommand"}, {@code "TaskStatusChanged"}, ...); docs/messages.md shows each one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "messageType")
@JsonSubTypes({
        @JsonSubTypes.Type(TakeBackupCommand.class),
        @JsonSubTypes.Type(DeleteBackupCommand.class),
        @JsonSubTypes.Type(TaskStatusChanged.class),
        @JsonSubTypes.Type(BackupStarted.class),
        @JsonSubTypes.Type(BackupCompleted.class),
        @JsonSubTypes.Type(BackupFailed.class),
        @JsonSubTypes.Type(BackupDeleted.class),
        @JsonSubTypes.Type(BackupCorrupted.class),
        @JsonSubTypes.Type(BackupVerified.class),
        @JsonSubTypes.Type(BackupScheduled.class),
        @JsonSubTypes.Type(BackupPolicyChanged.class),
        @JsonSubTypes.Type(RecoverInstanceCommand.class),
        @JsonSubTypes.Type(RecoverKeysCommand.class),
        @JsonSubTypes.Type(VerifyBackupCommand.class),
        @JsonSubTypes.Type(InstanceStatusChanged.class),
        @JsonSubTypes.Type(AuditRecorded.class) })
public interface Message {

    /**
     * The version messages are sent with: the oldest that says what they mean, so that services of the release
     * before read every message they can read right. A message that says more than a consumer of an older version
     * would understand is sent with the version that says it: {@link #PATTERNS_SCHEMA_VERSION},
     * {@link #SOURCE_CARE_SCHEMA_VERSION}, {@link #CLUSTER_SCHEMA_VERSION}.
     */
    int SCHEMA_VERSION = 1;

    /** A KEYS recovery by pattern or database. */
    int PATTERNS_SCHEMA_VERSION = 2;

    /** A backup to be taken with care for its source ({@link SourceCare}). */
    int SOURCE_CARE_SCHEMA_VERSION = 3;

    /** A command or policy whose instance is a Redis Cluster ({@link RedisEndpoint#cluster}). */
    int CLUSTER_SCHEMA_VERSION = 4;

    /** The newest version of the message schemas in this module; a consumer refuses a message of a newer one. */
    int NEWEST_SCHEMA_VERSION = 4;

    int schemaVersion();

    /** Unique per message; a consumer may use it to drop a message it has seen. */
    UUID eventId();

    /** The task the message is about; none for a message that belongs to no task (see {@link #belongsToTask}). */
    UUID taskId();

    /** Also the record key: the messages of one instance stay in order. */
    UUID instanceId();

    Instant occurredAt();

    /** Whether the message is about a task, and so must name it; a policy change and an audit entry are not. */
    default boolean belongsToTask() {
        return true;
    }
}
