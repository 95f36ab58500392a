package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import com.moilioncircle.redis.replicator.io.RawByteListener;

import io.redisbackup.backupstore.RdbChecksum;

/**
 * Takes the RDB bytes exactly as the server sends them: writes them to the backup file and checksums them on the
 * way ({@link RdbChecksum}).
 */
final class RdbTee implements RawByteListener {

    private final OutputStream out;
    private final RdbChecksum checksum = new RdbChecksum();

    RdbTee(OutputStream out) {
        this.out = out;
    }

    @Override
    public void handle(byte... chunk) {
        try {
            out.write(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checksum.update(chunk, 0, chunk.length);
    }

    RdbChecksum checksum() {
        return checksum;
    }
}
