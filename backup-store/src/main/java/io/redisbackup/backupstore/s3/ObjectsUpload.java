package io.redisbackup.backupstore.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * An object written as it is produced: its bytes fill a part, and each full part is uploaded on another thread
 * while the next one fills. At most {@code partsInFlight} parts wait or travel at a time, so memory is
 * {@code (partsInFlight + 1) × partBytes} whatever the object's size. The object exists once the stream is closed;
 * a failure, or a stream never closed, leaves no object (an upload that failed is aborted; one whose writer died is
 * aborted by {@link S3BackupStore#removeAbandoned}). An object smaller than one part is one PUT.
 */
final class StreamingUpload extends OutputStream {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final ExecutorService uploads;
    private final Semaphore room;
    private final int partBytes;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    /** Part buffers an upload is done with, for the parts after it. */
    private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
    private byte[] part;
    private int filled;
    private String uploadId;
    private boolean closed;

    StreamingUpload(S3Client s3, String bucket, String key, ExecutorService uploads, int partBytes, int partsInFlight) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploads = uploads;
        this.partBytes = partBytes;
        this.room = new Semaphore(partsInFlight);
        this.part = new byte[partBytes];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        requireOpen();
        int done = 0;
        while (done < length) {
            if (filled == partBytes) {
                sendPart();
            }
            int step = Math.min(length - done, partBytes - filled);
            System.arraycopy(bytes, offset + done, part, filled, step);
            filled += step;
            done += step;
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (uploadId == null) {
                // one part's worth or less: a plain PUT
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) filled).build(),
                        RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, filled), filled));
                return;
            }
            if (filled > 0) {
                sendPart();
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> sent : parts) {
                completed.add(sent.get());
            }
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(completed).build())
                    .build());
        } catch (ExecutionException e) {
            abort();
            throw new IOException("Uploading " + key + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            abort();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while uploading " + key);
        } catch (SdkException e) {
            abort();
            throw new IOException("Uploading " + key + " failed: " + e.getMessage(), e);
        } finally {
            part = null;
        }
    }

    /** Gives up the object: no part of it stays in the store. */
    void abort() {
        closed = true;
        parts.forEach(sent -> sent.cancel(true));
        if (uploadId != null) {
            try {
                s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(key)
                        .uploadId(uploadId).build());
            } catch (SdkException e) {
                // the stale-upload sweep removes it later
            }
        }
    }

    private void sendPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                        .build()).uploadId();
            }
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new InterruptedIOException("Interrupted while uploading " + key);
        } catch (SdkException e) {
            abort();
            throw new IOException("Uploading " + key + " failed: " + e.getMessage(), e);
        }
        failIfAPartFailed();
        byte[] full = part;
        int length = filled;
        int number = parts.size() + 1;
        parts.add(uploads.submit(() -> {
            try {
                String etag = s3.uploadPart(UploadPartRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(number).contentLength((long) length).build(),
                        RequestBody.fromInputStream(new ByteArrayInputStream(full, 0, length), length)).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            } finally {
                spare.offer(full);
                room.release();
            }
        }));
        // the buffer sent is the upload's until it is done; the next part fills one it is done with, or a new one
        byte[] reused = spare.poll();
        part = reused != null ? reused : new byte[partBytes];
        filled = 0;
    }

    private void failIfAPartFailed() throws IOException {
        for (Future<CompletedPart> sent : parts) {
            if (sent.isDone()) {
                try {
                    sent.get();
                } catch (ExecutionException e) {
                    abort();
                    throw new IOException("Uploading " + key + " failed: " + e.getCause().getMessage(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abort();
                    throw new InterruptedIOException("Interrupted while uploading " + key);
                }
            }
        }
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("The upload of " + key + " has ended");
        }
    }
}
