package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import io.redisbackup.backupstore.ReadOnlyChannel;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Random reads of one object, each read a ranged GET of exactly what it asks for: what recovering a few keys of a
 * large backup needs (the key index's header, footer and one block, then each key's bytes).
 */
final class RangedChannel extends ReadOnlyChannel {

    private final S3Client s3;
    private final String bucket;
    private final String key;

    RangedChannel(S3Client s3, String bucket, String key, long size) {
        super(size);
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
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
