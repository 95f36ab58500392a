package io.redisbackup.backupstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A channel that reads a stored file of a known size at any position and writes nothing: what the stores' ranged
 * readers share. A subclass reads from {@link #position} on ({@link #readAt}); this class keeps the position and
 * whether the channel is open.
 */
public abstract class ReadOnlyChannel implements SeekableByteChannel {

    private final long size;
    private long position;
    private boolean open = true;

    protected ReadOnlyChannel(long size) {
        this.size = size;
    }

    /**
     * Reads {@code wanted} bytes (at least one, none past the end) at {@code position} into {@code dst}, or fewer;
     * how many it read.
     */
    protected abstract int readAt(long position, ByteBuffer dst, int wanted) throws IOException;

    /** Releases what the subclass holds; called once, by {@link #close}. */
    protected void release() throws IOException {
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        requireOpen();
        if (position >= size) {
            return -1;
        }
        int wanted = (int) Math.min(dst.remaining(), size - position);
        if (wanted == 0) {
            return 0;
        }
        int read = readAt(position, dst, wanted);
        position += read;
        return read;
    }

    @Override
    public final int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public final long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public final SeekableByteChannel position(long newPosition) throws IOException {
        requireOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public final long size() throws IOException {
        requireOpen();
        return size;
    }

    @Override
    public final SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public final void close() throws IOException {
        if (open) {
            open = false;
            release();
        }
    }

    private void requireOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
