package io.redisbackup.contracts;

/**
 * How gently to take a snapshot of an instance, as its owner set it; both are optional (null). A command that
 * carries any of it is of schema version 3, so that a worker that would ignore it refuses it instead.
 *
 * @param memoryLimitBytes the memory the instance's machine or container may use, when the server's own
 *        {@code total_system_memory} is not the limit (a container's): the snapshot's fork must fit in it
 * @param maxBytesPerSecond at most this many bytes a second are read from the instance during a backup
 */
public record SourceCare(Long memoryLimitBytes, Long maxBytesPerSecond) {

    public static final SourceCare NONE = new SourceCare(null, null);

    /** Whether it asks for anything; a command without it is read right by workers of the release before. */
    public boolean isSet() {
        return memoryLimitBytes != null || maxBytesPerSecond != null;
    }

    /** The same, with another rate limit (a manual backup's own); null keeps this one. */
    public SourceCare withMaxBytesPerSecond(Long limit) {
        return limit == null ? this : new SourceCare(memoryLimitBytes, limit);
    }

    /** Never null: a message of the release before has none. */
    public static SourceCare orNone(SourceCare care) {
        return care == null ? NONE : care;
    }
}
