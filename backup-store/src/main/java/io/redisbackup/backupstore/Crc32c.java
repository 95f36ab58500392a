package io.redisbackup.backupstore;

import java.util.zip.CRC32C;

/** CRC32C, and the form a manifest records it in for a file: 8 lowercase hex digits. */
public final class Crc32c {

    private Crc32c() {
    }

    /** The CRC32C of {@code bytes}. */
    public static int of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** The CRC32C of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static int of(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    public static String hex(CRC32C crc) {
        return String.format("%08x", crc.getValue());
    }
}
