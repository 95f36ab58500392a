package io.redisbackup.contracts;

import java.util.UUID;

/** A recovery: data of a backup written into a target instance ({@link #instanceId()}). */
public sealed interface RecoveryCommand extends RestoreWorkerCommand permits RecoverInstanceCommand,
        RecoverKeysCommand {

    /** The instance the backup was taken of (where it is stored); {@link #instanceId()} is the target. */
    UUID sourceInstanceId();

    /** Where to recover into, with the password sealed. */
    RedisEndpoint target();
}
