package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.Sha256;

/**
 * Reads a stored backup's RDB once, end to end, before anything touches a target: it must have the size and
 * SHA-256 its manifest recorded, that is, be byte for byte the file that was stored. The RDB's own CRC64 trailer
 * is not computed again: the backup worker checked it before it stored the file, and a file with the stored
 * SHA-256 has the stored trailer (this saves a second pass at about 1 GB/s over every backup recovered).
 */
public final class BackupVerifier {

    private static final int BUFFER = 1 << 20;

    private final BackupStore store;

    public BackupVerifier(BackupStore store) {
        this.store = store;
    }

    public void verify(Manifest manifest) throws RecoveryFailure {
        Manifest.FileEntry expected = manifest.file(BackupStore.RDB);
        MessageDigest sha256 = Sha256.digest();
        long size = 0;
        try (InputStream in = store.open(manifest.instanceId(), manifest.backupId(), BackupStore.RDB)) {
            byte[] buffer = new byte[BUFFER];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_MISSING, "Backup " + manifest.backupId()
                    + " cannot be read from storage: " + e.getMessage(), e);
        }
        if (size != expected.sizeBytes() || !Sha256.hex(sha256).equals(expected.sha256())) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_CORRUPT, "Backup " + manifest.backupId()
                    + " is damaged: its data no longer matches the checksums taken when it was stored. "
                    + "Nothing was changed on the instance.");
        }
    }
}
