package io.redisbackup.backupstore;

import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * The checksums of an RDB file, computed as its bytes stream by: its length, its SHA-256, its CRC32C, and Redis's
 * CRC64 over all but the last 8 bytes, which are the CRC64 the server wrote (0 when it does not checksum). Keeps
 * nothing in memory but those 8 bytes; used when a backup is taken.
 */
public final class RdbChecksum {

    private static final int TRAILER = 8;

    private final MessageDigest sha256 = Sha256.digest();
    private final CRC32C crc32c = new CRC32C();
    private final byte[] lag = new byte[TRAILER];
    private final byte[] kept = new byte[TRAILER];
    private int lagged;
    private long crc;
    private long bytes;

    public void update(byte[] chunk, int offset, int length) {
        sha256.update(chunk, offset, length);
        crc32c.update(chunk, offset, length);
        bytes += length;
        // the CRC runs 8 bytes behind the stream, so the trailer itself is never part of it
        int total = lagged + length;
        int ready = Math.max(0, total - TRAILER);
        int fromLag = Math.min(ready, lagged);
        if (fromLag > 0) {
            crc = Crc64.update(crc, lag, 0, fromLag);
        }
        int fromChunk = ready - fromLag;
        if (fromChunk > 0) {
            crc = Crc64.update(crc, chunk, offset, fromChunk);
        }
        int keep = total - ready;
        int keptFromLag = lagged - fromLag;
        System.arraycopy(lag, fromLag, kept, 0, keptFromLag);
        System.arraycopy(chunk, offset + fromChunk, kept, keptFromLag, keep - keptFromLag);
        System.arraycopy(kept, 0, lag, 0, keep);
        lagged = keep;
    }

    public long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything so far, hex; call once, at the end. */
    public String sha256() {
        return Sha256.hex(sha256);
    }

    /** The CRC32C of everything so far, as 8 hex digits. */
    public String crc32c() {
        return Crc32c.hex(crc32c);
    }

    /** The CRC64 of everything before the trailer. */
    public long computedCrc() {
        return crc;
    }

    /** The checksum the server wrote at the end of the file (little-endian); -1 when fewer than 8 bytes came. */
    public long trailerCrc() {
        if (lagged < TRAILER) {
            return -1;
        }
        long value = 0;
        for (int i = TRAILER - 1; i >= 0; i--) {
            value = (value << 8) | (lag[i] & 0xff);
        }
        return value;
    }

    /** Whether the file agrees with its own checksum; a file written without one (trailer 0) cannot disagree. */
    public boolean matchesTrailer() {
        long trailer = trailerCrc();
        return trailer == 0 || trailer == crc;
    }
}
