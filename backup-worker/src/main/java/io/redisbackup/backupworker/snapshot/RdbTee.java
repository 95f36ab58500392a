package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;

import io.redisbackup.backupstore.RdbChecksum;
import io.redisbackup.backupstore.keyindex.RdbScanner;

/**
 * Takes the RDB bytes exactly as the server sends them, in the large pieces the scanner has consumed: writes them
 * to the backup file and checksums them on the way ({@link RdbChecksum}). A failed write is an
 * {@link UncheckedIOException}, so that it is not taken for a failed transfer.
 */
final class RdbTee implements RdbScanner.Sink {

    private final OutputStream out;
    private final LongConsumer passed;
    private final RdbChecksum checksum = new RdbChecksum();

    /** @param passed told the bytes passed on so far, after each piece */
    RdbTee(OutputStream out, LongConsumer passed) {
        this.out = out;
        this.passed = passed;
    }

    @Override
    public void accept(byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checksum.update(bytes, offset, length);
        passed.accept(checksum.bytes());
    }

    /** The bytes passed on so far. */
    long bytes() {
        return checksum.bytes();
    }

    /** Closes the output: the RDB is whole. */
    void close() throws IOException {
        out.close();
    }

    RdbChecksum checksum() {
        return checksum;
    }
}
