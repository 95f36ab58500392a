package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InputStream;
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
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Random reads of one object, each read a ranged GET of exactly what it asks for: what recovering a few keys of a
 * large backup needs (the key index's header, footer and one block, then each key's bytes).
 */
final class RangedChannel extends ReadOnlyChannel implements RangeReads {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final ExecutorService readers;

    /** @param readers where {@link #readRanges} sends its GETs: as many side by side as it has threads */
    RangedChannel(S3Client s3, String bucket, String key, long size, ExecutorService readers) {
        super(size);
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.readers = readers;
    }

    @Override
    protected int readAt(long position, ByteBuffer dst, int length) throws IOException {
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key)
                .range("bytes=" + position + "-" + (position + length - 1)).build();
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request)) {
            return fill(in, dst, length);
        } catch (SdkException e) {
            throw new IOException("Reading " + key + " at " + position + " failed: " + e.getMessage(), e);
        }
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
        if (range.length() > 0 && readAt(range.position(), buffer, range.length()) != range.length()) {
            throw new DamagedBackupException("The object is cut short at " + range.position());
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

    private static int fill(InputStream in, ByteBuffer dst, int length) throws IOException {
        byte[] chunk = new byte[Math.min(length, 1 << 16)];
        int total = 0;
        while (total < length) {
            int n = in.read(chunk, 0, Math.min(chunk.length, length - total));
            if (n < 0) {
                break;
            }
            dst.put(chunk, 0, n);
            total += n;
        }
        return total;
    }
}
