package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.util.UUID;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.instanceclient.InstanceFailure;

/** Why a recovery could not be done, with a stable code for the task's error. */
public class RecoveryFailure extends Exception {

    public static final String BACKUP_MISSING = "BACKUP_NOT_AVAILABLE";
    public static final String BACKUP_CORRUPT = TaskError.BACKUP_CHECKSUM_MISMATCH;
    /** The backup is sealed with a platform key this worker does not have. */
    public static final String BACKUP_KEY_UNKNOWN = "BACKUP_KEY_UNKNOWN";
    public static final String TARGET_TOO_OLD = "TARGET_REDIS_TOO_OLD";
    public static final String TARGET_UNREACHABLE = "INSTANCE_UNREACHABLE";
    public static final String TARGET_AUTH_FAILED = "INSTANCE_AUTH_FAILED";
    public static final String TARGET_NOT_REDIS = "NOT_A_REDIS_SERVER";
    /** The target's host, or a node its cluster names, is outside the networks instances may be on. */
    public static final String TARGET_NETWORK_NOT_ALLOWED = "NETWORK_NOT_ALLOWED";
    /** A single server's instance whose server is a node of a Redis Cluster. */
    public static final String TARGET_IS_CLUSTER_NODE = "INSTANCE_IS_CLUSTER_NODE";
    /** A cluster with a slot that no master that is up serves, or one being moved. */
    public static final String TARGET_CLUSTER_UNSTEADY = "CLUSTER_NOT_STEADY";
    /** The cluster's slots moved between its masters during the recovery. */
    public static final String TOPOLOGY_CHANGED = "CLUSTER_TOPOLOGY_CHANGED";
    public static final String LOAD_FAILED = "RECOVERY_LOAD_FAILED";
    /** The keys and patterns select more keys than one recovery may rewrite. */
    public static final String TOO_MANY_KEYS = "TOO_MANY_KEYS";
    /** Past the load's overall deadline, or the target took the data below the minimum rate for too long. */
    public static final String TOO_SLOW = "RECOVERY_TOO_SLOW";

    private final String code;
    /** What was done before the failure, for the task's result; null when nothing was. */
    private transient java.util.Map<String, Object> result;

    public RecoveryFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What reading the backup raised, sorted: damage, a key this worker lacks, or storage that failed. */
    public static RecoveryFailure reading(UUID backupId, IOException e) {
        return reading("Backup " + backupId, e);
    }

    /** The same, of a backup named {@code backup} (as a sentence begins). */
    public static RecoveryFailure reading(String backup, IOException e) {
        return switch (e) {
            case DamagedBackupException damaged -> new RecoveryFailure(BACKUP_CORRUPT, backup + " is damaged: "
                    + damaged.getMessage() + ". Nothing was changed on the instance.", e);
            case UnknownBackupKeyException unknown -> new RecoveryFailure(BACKUP_KEY_UNKNOWN, backup
                    + " is sealed with key '" + unknown.keyId() + "', which the restore worker does not have "
                    + "(backup-store.encryption.keys). Nothing was changed on the instance.", e);
            default -> new RecoveryFailure(BACKUP_MISSING, backup + " cannot be read from storage: " + e.getMessage()
                    + ". Nothing was changed on the instance.", e);
        };
    }

    public RecoveryFailure(String code, String message) {
        this(code, message, null);
    }

    /**
     * Whether a server's refusal says that the key's slot is served elsewhere now ({@code MOVED}) or is being moved
     * ({@code ASK}): the cluster's slots moved since the recovery read its topology.
     */
    public static boolean slotMoved(String reply) {
        return reply != null && (reply.startsWith("MOVED ") || reply.startsWith("ASK ")
                || reply.contains(": MOVED ") || reply.contains(": ASK "));
    }

    /** What a recovery that met a moved slot says: {@link #TOPOLOGY_CHANGED}, and how far it got. */
    public static String slotMovedMessage(String howFar) {
        return "The cluster's slots moved between its masters during the recovery (a master answered MOVED or "
                + "ASK): " + howFar + ". Run the recovery again once the cluster is steady.";
    }

    /** A target that cannot be used, in a recovery's words. */
    public static RecoveryFailure of(InstanceFailure failure) {
        return new RecoveryFailure(switch (failure.kind()) {
            case UNREACHABLE -> TARGET_UNREACHABLE;
            case AUTH_FAILED -> TARGET_AUTH_FAILED;
            case NOT_REDIS -> TARGET_NOT_REDIS;
            case NETWORK_NOT_ALLOWED -> TARGET_NETWORK_NOT_ALLOWED;
        }, failure.getMessage(), failure);
    }

    public String code() {
        return code;
    }

    public java.util.Map<String, Object> result() {
        return result;
    }

    /** This failure, saying what was done before it. */
    public RecoveryFailure withResult(java.util.Map<String, Object> done) {
        this.result = done;
        return this;
    }
}
