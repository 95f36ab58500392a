package io.redisbackup.backupstore;

import java.util.zip.CRC32C;

/** The CRC32C a manifest records for a file: 8 lowercase hex digits. */
public final class Crc32c {

    private Crc32c() {
    }

    public static String hex(CRC32C crc) {
        return String.format("%08x", crc.getValue());
    }
}
