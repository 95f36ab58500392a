package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.ReadOnlyChannel;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Random reads of one object, each read a ranged GET of exactly what it asks for ({@link PresignedGets}): what
 * recovering a few keys of a large backup needs (the key index's header, footer and one block, then each key's bytes).
 */
final class RangedChannel extends ReadOnlyChannel implements RangeReads {

    private final PresignedGets gets;
    private final ExecutorService readers;

    /** @param readers where {@link #readRanges} sends its GETs: as many side by side as it has threads */
    RangedChannel(PresignedGets gets, long size, ExecutorService readers) {
        super(size);
        this.gets = gets;
        this.readers = readers;
    }

    @Override
    protected int readAt(long position, ByteBuffer dst, int wanted) throws IOException {
        gets.read(position, dst, wanted);
        return wanted;
    }

    /**
     * One ranged GET per range, as many side by side as the readers have threads: the next starts as soon as one
     * ends. The caller bounds how many bytes it asks for at once.
     */
    @Override
    public List<byte[]> readRanges(List<Range> ranges) throws IOException {
        List<Future<byte[]>> pieces = new ArrayList<>(ranges.size());
        try {
            for (Range range : ranges) {
                pieces.add(readers.submit(() -> readRange(range)));
            }
            List<byte[]> read = new ArrayList<>(ranges.size());
            for (Future<byte[]> piece : pieces) {
                read.add(await(piece));
            }
            return read;
        } finally {
            pieces.forEach(piece -> piece.cancel(true)); // after a failure, the reads still waiting are not made
        }
    }

    private byte[] readRange(Range range) throws IOException {
        if (range.end() > size()) {
            throw new DamagedBackupException("The object is cut short: " + range.length() + " bytes wanted at "
                    + range.position());
        }
        ByteBuffer buffer = ByteBuffer.allocate(range.length());
        if (range.length() > 0) {
            gets.read(range.position(), buffer, range.length());
        }
        return buffer.array();
    }

    private static byte[] await(Future<byte[]> piece) throws IOException {
        try {
            return piece.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading from object storage");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
