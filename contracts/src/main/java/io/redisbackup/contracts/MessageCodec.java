package io.redisbackup.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of the messages: ISO-8601 times, no null fields, unknown fields ignored (a newer producer may
 * add some), and a message of a newer schema version refused.
 */
public final class MessageCodec {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private MessageCodec() {
    }

    public static String toJson(Message message) {
        try {
            return JSON.writerFor(Message.class).writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + message.getClass().getSimpleName(), e);
        }
    }

    /** A cluster backup's shards as JSON: how a service that keeps them in a column of text writes them. */
    public static String shardsToJson(java.util.List<BackupCompleted.Shard> shards) {
        try {
            return JSON.writeValueAsString(shards);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a backup's shards", e);
        }
    }

    /** The shards {@link #shardsToJson} wrote. */
    public static java.util.List<BackupCompleted.Shard> shardsFromJson(String json) {
        try {
            return java.util.List.of(JSON.readValue(json, BackupCompleted.Shard[].class));
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not a backup's shards: " + e.getOriginalMessage());
        }
    }

    /** Reads a message of the given kind, or explains in one line why the text is not one. */
    public static <T extends Message> T fromJson(String json, Class<T> kind) {
        if (json == null || json.isBlank()) {
            throw new InvalidMessageException("empty message");
        }
        Message message;
        try {
            message = JSON.readValue(json, Message.class);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException(e.getOriginalMessage());
        }
        if (!kind.isInstance(message)) {
            throw new InvalidMessageException(
                    message.getClass().getSimpleName() + " is not a " + kind.getSimpleName());
        }
        if (message.schemaVersion() < 1 || message.schemaVersion() > Message.NEWEST_SCHEMA_VERSION) {
            throw new InvalidMessageException("schema version " + message.schemaVersion() + " is not supported (1.."
                    + Message.NEWEST_SCHEMA_VERSION + ")");
        }
        if (message.eventId() == null || message.instanceId() == null || message.occurredAt() == null
                || (message.belongsToTask() && message.taskId() == null)) {
            throw new InvalidMessageException("eventId, taskId, instanceId and occurredAt are required");
        }
        return kind.cast(message);
    }

    /** A message that cannot be read; the consumer sets it aside rather than failing on it forever. */
    public static final class InvalidMessageException extends RuntimeException {
        public InvalidMessageException(String reason) {
            super("Not a valid message: " + reason);
        }
    }
}
