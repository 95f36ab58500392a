package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.RdbChecksum;

/**
 * Reads a stored backup's RDB once, end to end, before anything touches a target: it must have the size and
 * SHA-256 its manifest recorded and agree with its own CRC64 trailer.
 */
public final class BackupVerifier {

    private final BackupStore store;

    public BackupVerifier(BackupStore store) {
        this.store = store;
    }

    public void verify(Manifest manifest) throws RecoveryFailure {
        Manifest.FileEntry expected = manifest.file(BackupStore.RDB);
        RdbChecksum checksum = new RdbChecksum();
        try (InputStream in = store.open(manifest.instanceId(), manifest.backupId(), BackupStore.RDB)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                checksum.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_MISSING, "Backup " + manifest.backupId()
                    + " cannot be read from storage: " + e.getMessage(), e);
        }
        if (checksum.bytes() != expected.sizeBytes() || !checksum.sha256().equals(expected.sha256())
                || !checksum.matchesTrailer()) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_CORRUPT, "Backup " + manifest.backupId()
                    + " is damaged: its data no longer matches the checksums taken when it was stored. "
                    + "Nothing was changed on the instance.");
        }
    }
}
