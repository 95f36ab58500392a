package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Random reads of one object, each read a ranged GET of exactly what it asks for: what recovering a few keys of a
 * large backup needs (the key index's header, footer and one block, then each key's bytes).
 */
final class RangedChannel implements SeekableByteChannel {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final long size;
    private long position;
    private boolean open = true;

    RangedChannel(S3Client s3, String bucket, String key, long size) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        requireOpen();
        if (position >= size) {
            return -1;
        }
        int length = (int) Math.min(dst.remaining(), size - position);
        if (length == 0) {
            return 0;
        }
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key)
                .range("bytes=" + position + "-" + (position + length - 1)).build();
        int read = 0;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request)) {
            read = fill(in, dst, length);
        } catch (SdkException e) {
            throw new IOException("Reading " + key + " at " + position + " failed: " + e.getMessage(), e);
        }
        position += read;
        return read;
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

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        requireOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        requireOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    private void requireOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
