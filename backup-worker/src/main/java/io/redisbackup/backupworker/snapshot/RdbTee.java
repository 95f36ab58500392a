package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.moilioncircle.redis.replicator.io.RawByteListener;
import com.moilioncircle.redis.replicator.util.CRC64;

/**
 * Takes the RDB bytes exactly as the server sends them: writes them to the backup file, and on the way counts
 * them, hashes them (SHA-256) and computes Redis's CRC64 over all but the last 8 bytes, which are the
 * checksum the server wrote. Nothing is kept in memory but the last 8 bytes.
 */
final class RdbTee implements RawByteListener {

    private static final int TRAILER = 8;

    private final OutputStream out;
    private final MessageDigest sha256;
    private final byte[] lag = new byte[TRAILER];
    private int lagged;
    private long crc;
    private long bytes;

    RdbTee(OutputStream out) {
        this.out = out;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void handle(byte... chunk) {
        try {
            out.write(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sha256.update(chunk);
        bytes += chunk.length;
        // the CRC runs 8 bytes behind the stream, so the trailer itself is never part of it
        int total = lagged + chunk.length;
        int ready = Math.max(0, total - TRAILER);
        int fromLag = Math.min(ready, lagged);
        if (fromLag > 0) {
            crc = CRC64.crc64(lag, 0, fromLag, crc);
        }
        int fromChunk = ready - fromLag;
        if (fromChunk > 0) {
            crc = CRC64.crc64(chunk, 0, fromChunk, crc);
        }
        byte[] kept = new byte[TRAILER];
        int keep = total - ready;
        int keptFromLag = lagged - fromLag;
        System.arraycopy(lag, fromLag, kept, 0, keptFromLag);
        System.arraycopy(chunk, fromChunk, kept, keptFromLag, keep - keptFromLag);
        System.arraycopy(kept, 0, lag, 0, keep);
        lagged = keep;
    }

    long bytes() {
        return bytes;
    }

    String sha256() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The CRC64 of everything before the trailer. */
    long computedCrc() {
        return crc;
    }

    /** The checksum the server wrote at the end of the file (little-endian); 0 when it does not checksum. */
    long trailerCrc() {
        if (lagged < TRAILER) {
            return -1;
        }
        long value = 0;
        for (int i = TRAILER - 1; i >= 0; i--) {
            value = (value << 8) | (lag[i] & 0xff);
        }
        return value;
    }
}
