package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.util.UUID;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;

/** A backup's manifest as a task reads it: one that is absent or cannot be read is the task's failure. */
final class StoredManifests {

    private StoredManifests() {
    }

    /** The manifest of backup {@code backupId} of instance {@code instanceId}; damage is damage, like any byte. */
    static Manifest of(BackupStore store, UUID instanceId, UUID backupId) throws RecoveryFailure {
        try {
            return store.manifest(instanceId, backupId).orElseThrow(() -> new RecoveryFailure(
                    RecoveryFailure.BACKUP_MISSING, "Backup " + backupId + " is not in storage."));
        } catch (IOException e) {
            throw RecoveryFailure.reading(backupId, e);
        }
    }
}
