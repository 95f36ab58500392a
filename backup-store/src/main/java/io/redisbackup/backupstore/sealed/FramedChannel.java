package io.redisbackup.backupstore.sealed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

import io.redisbackup.backupstore.ReadOnlyChannel;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Reads the plain bytes of a file stored in {@link FramedFormat} wherever they lie. It reads the frame table once,
 * from the end of the file; each read then fetches, in one read of the stored file, the records of the frames that
 * hold the bytes asked for (a key's entry: one frame, or two where it crosses a frame's end), and keeps the last
 * frame it opened for the next read nearby (the key index reads a block's header, then the block).
 */
final class FramedChannel extends ReadOnlyChannel {

    /** The most frames one read fetches; a larger read is answered in parts, as a channel may. */
    private static final int MAX_FRAMES_PER_READ = 16;
    /** What the first read of the end takes: the whole table of a file of up to about 256 MiB in 16 KiB frames. */
    private static final int TAIL_GUESS = 64 << 10;

    private final SeekableByteChannel stored;
    private final FrameCodec codec;
    private final long plainSize;
    private final int frameBytes;
    private final long[] offsets;
    private final byte[] frame;
    private long cachedFrame = -1;
    private int cachedLength;

    private FramedChannel(SeekableByteChannel stored, FrameCodec codec, long plainSize, long[] offsets) {
        super(plainSize);
        this.stored = stored;
        this.codec = codec;
        this.plainSize = plainSize;
        this.frameBytes = codec.frameBytes();
        this.offsets = offsets;
        this.frame = new byte[frameBytes];
    }

    /** Opens the stored file's plain view; closes {@code stored} when it is closed, or when it cannot be read. */
    static FramedChannel open(SeekableByteChannel stored, FrameCodec codec, long plainSize) throws IOException {
        try {
            long storedSize = stored.size();
            int guess = (int) Math.min(storedSize, TAIL_GUESS);
            byte[] tail = readFully(stored, storedSize - guess, guess);
            int tableLength = FramedFormat.tableLength(tail, guess, storedSize);
            byte[] table;
            if (tableLength <= guess - FramedFormat.TRAILER_BYTES) {
                int from = guess - FramedFormat.TRAILER_BYTES - tableLength;
                table = java.util.Arrays.copyOfRange(tail, from, from + tableLength);
            } else {
                table = readFully(stored, storedSize - FramedFormat.TRAILER_BYTES - tableLength, tableLength);
            }
            int opened = codec.openTable(table, table.length);
            long[] offsets = FramedFormat.recordOffsets(table, opened, codec.frameBytes(), plainSize);
            if (offsets[offsets.length - 1] != storedSize - FramedFormat.TRAILER_BYTES - tableLength) {
                throw new DamagedBackupException("The stored file's frame table does not match its size");
            }
            return new FramedChannel(stored, codec, plainSize, offsets);
        } catch (IOException | RuntimeException e) {
            try (stored; codec) {
                throw e;
            }
        }
    }

    @Override
    protected int readAt(long position, ByteBuffer dst, int wanted) throws IOException {
        long first = position / frameBytes;
        if (first == cachedFrame) {
            return copyFromCache(position, dst, wanted);
        }
        long last = Math.min((position + wanted - 1) / frameBytes, first + MAX_FRAMES_PER_READ - 1);
        long from = offsets[(int) first];
        byte[] records = readFully(stored, from, Math.toIntExact(offsets[(int) last + 1] - from));
        int read = 0;
        for (long index = first; index <= last; index++) {
            int at = (int) (offsets[(int) index] - from);
            int bodyLength = ByteBuffer.wrap(records).getInt(at);
            if (bodyLength != offsets[(int) index + 1] - offsets[(int) index] - 4) {
                throw new DamagedBackupException("The stored file is damaged: frame " + index + " has a wrong length");
            }
            cachedFrame = -1;
            cachedLength = codec.open(index, records, at + 4, bodyLength, frame,
                    FramedFormat.frameLength(index, plainSize, frameBytes));
            cachedFrame = index;
            read += copyFromCache(position + read, dst, wanted - read);
        }
        return read;
    }

    /** Copies what the frame in the cache holds from {@code position} on, up to {@code most} bytes. */
    private int copyFromCache(long position, ByteBuffer dst, int most) {
        int at = (int) (position - cachedFrame * frameBytes);
        int n = Math.min(most, cachedLength - at);
        dst.put(frame, at, n);
        return n;
    }

    private static byte[] readFully(SeekableByteChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(position);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new DamagedBackupException("The stored file is cut short: " + length + " bytes wanted at "
                        + position);
            }
        }
        return buffer.array();
    }

    @Override
    protected void release() throws IOException {
        try (stored) {
            codec.close();
        }
    }
}
