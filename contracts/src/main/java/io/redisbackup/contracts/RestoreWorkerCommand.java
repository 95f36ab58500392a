package io.redisbackup.contracts;

import java.util.UUID;

/** What the restore worker is asked to do, on {@link Topics#RESTORE_COMMANDS}; keyed by the target instance. */
public sealed interface RestoreWorkerCommand extends TaskCommand permits RecoverInstanceCommand, RecoverKeysCommand {

    /** The instance the backup was taken of (where it is stored); {@link #instanceId()} is the target. */
    UUID sourceInstanceId();

    /** Where to recover into, with the password sealed. */
    RedisEndpoint target();
}
