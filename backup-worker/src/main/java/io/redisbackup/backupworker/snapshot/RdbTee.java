package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;

import com.moilioncircle.redis.replicator.io.RawByteListener;

import io.redisbackup.backupstore.RdbChecksum;

/**
 * Takes the RDB bytes exactly as the server sends them: writes them to the backup file and checksums them on the
 * way ({@link RdbChecksum}). The parser hands bytes over as it consumes them, often one at a time; they are gathered
 * into a buffer first, so that the file and the checksums see large pieces. {@link #flush} before reading the
 * checksum.
 */
final class RdbTee implements RawByteListener {

    private static final int BUFFER = 1 << 16;

    private final OutputStream out;
    private final LongConsumer passed;
    private final RdbChecksum checksum = new RdbChecksum();
    private final byte[] buffer = new byte[BUFFER];
    private int buffered;

    /** @param passed told the bytes passed on so far, after each piece */
    RdbTee(OutputStream out, LongConsumer passed) {
        this.out = out;
        this.passed = passed;
    }

    @Override
    public void handle(byte... chunk) {
        if (chunk.length > BUFFER - buffered) {
            flush();
        }
        if (chunk.length >= BUFFER) {
            pass(chunk, chunk.length);
        } else {
            System.arraycopy(chunk, 0, buffer, buffered, chunk.length);
            buffered += chunk.length;
        }
    }

    /** Everything handed over so far goes to the file and the checksums. */
    void flush() {
        if (buffered > 0) {
            pass(buffer, buffered);
            buffered = 0;
        }
    }

    /** The bytes handed over so far, buffered or not. */
    long bytes() {
        return checksum.bytes() + buffered;
    }

    RdbChecksum checksum() {
        flush();
        return checksum;
    }

    private void pass(byte[] bytes, int length) {
        try {
            out.write(bytes, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checksum.update(bytes, 0, length);
        passed.accept(checksum.bytes());
    }
}
