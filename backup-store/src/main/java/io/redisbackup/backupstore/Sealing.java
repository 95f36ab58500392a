package io.redisbackup.backupstore;

/**
 * How a backup's files are stored, as its manifest says (absent: as plain files, as before format 2): cut into
 * frames of {@code frameBytes}, compressed ({@code compression}: "zstd" or "none") and, when {@code keyId} is
 * set, sealed with AES-256-GCM under the backup's own data key, which is kept here wrapped with the platform's key
 * {@code keyId}.
 *
 * @param wrappedKey base64 of the data key sealed with the platform's key, bound to the instance and the backup
 */
public record Sealing(int frameBytes, String compression, String keyId, String wrappedKey) {

    public static final String ZSTD = "zstd";
    public static final String NONE = "none";

    public Sealing {
        if (frameBytes < 1 || !(ZSTD.equals(compression) || NONE.equals(compression))
                || (keyId == null) != (wrappedKey == null)) {
            throw new IllegalArgumentException("Not a sealing this service knows: " + frameBytes + " bytes, "
                    + compression + ", key " + keyId);
        }
    }

    public boolean encrypted() {
        return keyId != null;
    }

    /** The same sealing, its data key wrapped again (with another platform key). */
    public Sealing rewrapped(String newKeyId, String newWrappedKey) {
        return new Sealing(frameBytes, compression, newKeyId, newWrappedKey);
    }
}
