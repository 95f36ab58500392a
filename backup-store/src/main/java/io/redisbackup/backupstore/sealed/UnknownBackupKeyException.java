package io.redisbackup.backupstore.sealed;

import java.io.IOException;

/** A backup sealed with a platform key this service does not have (removed from its keys, or never given to it). */
public final class UnknownBackupKeyException extends IOException {

    private final String keyId;

    public UnknownBackupKeyException(String keyId) {
        super("The backup is sealed with key '" + keyId + "', which this service does not have: add it to "
                + "backup-store.encryption.keys (after the current key) to read it");
        this.keyId = keyId;
    }

    public String keyId() {
        return keyId;
    }
}
