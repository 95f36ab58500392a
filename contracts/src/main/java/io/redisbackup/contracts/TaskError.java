package io.redisbackup.contracts;

/** Why a task failed: a stable {@code code} for programs (e.g. {@code INSTANCE_UNREACHABLE}) and a sentence for people. */
public record TaskError(String code, String message) {

    /** A stored backup does not match its checksum (found by a recovery or a download): it is CORRUPT from then on. */
    public static final String BACKUP_CHECKSUM_MISMATCH = "BACKUP_CHECKSUM_MISMATCH";

    /**
     * The instance password in a command does not open: sealed for another instance or endpoint (a command copied
     * and pointed elsewhere), with another secret key, or altered. Nothing was sent to the endpoint.
     */
    public static TaskError secretUnreadable() {
        return new TaskError("SECRET_UNREADABLE", "The instance password in the command cannot be opened for this "
                + "instance and endpoint (sealed for another one, with another secret key, or altered); nothing was "
                + "sent to the instance.");
    }
}
