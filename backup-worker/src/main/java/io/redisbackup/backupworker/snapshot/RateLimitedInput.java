package io.redisbackup.backupworker.snapshot;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Reads at most {@code bytesPerSecond} on average from its start, in reads of at most a twentieth of a second's
 * bytes, sleeping when ahead: the socket's window then fills, and the server sends no faster (TCP's own flow
 * control, nothing asked of Redis). Bursts stay within about 50 ms of bytes.
 */
final class RateLimitedInput extends FilterInputStream {

    private final long bytesPerSecond;
    private final int largestRead;
    private long started = -1;
    private long read;

    RateLimitedInput(InputStream in, long bytesPerSecond) {
        super(in);
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a rate limit is positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.largestRead = (int) Math.max(1, Math.min(1 << 20, bytesPerSecond / 20));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (started < 0) {
            started = System.nanoTime();
        }
        int n = super.read(bytes, offset, Math.min(length, largestRead));
        if (n > 0) {
            read += n;
            pace();
        }
        return n;
    }

    /** Sleeps until the bytes read so far are due at the rate. */
    private void pace() throws InterruptedIOException {
        long due = started + (long) (read * 1e9 / bytesPerSecond);
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the snapshot");
            }
        }
    }
}
