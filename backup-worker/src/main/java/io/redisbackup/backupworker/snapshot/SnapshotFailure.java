package io.redisbackup.backupworker.snapshot;

/** Why a snapshot could not be taken, with a stable code for the task's error. */
public class SnapshotFailure extends Exception {

    public static final String UNREACHABLE = "INSTANCE_UNREACHABLE";
    public static final String AUTH_FAILED = "INSTANCE_AUTH_FAILED";
    /** The instance's host, or a node its cluster names, is outside the networks instances may be on. */
    public static final String NETWORK_NOT_ALLOWED = "NETWORK_NOT_ALLOWED";
    public static final String TRANSFER_FAILED = "SNAPSHOT_TRANSFER_FAILED";
    public static final String CORRUPT = "SNAPSHOT_CHECKSUM_MISMATCH";
    public static final String STORAGE = "STORAGE_ERROR";
    /** Past the snapshot's overall deadline, or below the minimum rate for too long. */
    public static final String TOO_SLOW = "SNAPSHOT_TOO_SLOW";
    /** The snapshot's fork would not fit in the memory the instance's machine has ({@link SourceCheck}). */
    public static final String SOURCE_MEMORY_LOW = "SOURCE_MEMORY_LOW";
    /** The server would cut the link on its replica buffer limit before the snapshot arrived ({@link SourceCheck}). */
    public static final String SOURCE_BUFFER_LIMIT = "SOURCE_BUFFER_LIMIT";
    /** The instance became a node of a Redis Cluster: a snapshot of it would hold its own slots' keys only. */
    public static final String CLUSTER_NODE = "INSTANCE_IS_CLUSTER_NODE";
    /** A cluster whose masters do not serve every slot, or one of them is down, or slots are being moved. */
    public static final String CLUSTER_UNSTEADY = "CLUSTER_NOT_STEADY";
    /** The cluster's slots moved between the masters during the backup: its shards are not of one slot map. */
    public static final String TOPOLOGY_CHANGED = "CLUSTER_TOPOLOGY_CHANGED";

    private final String code;

    public SnapshotFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public SnapshotFailure(String code, String message) {
        this(code, message, null);
    }

    public String code() {
        return code;
    }
}
