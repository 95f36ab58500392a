package io.redisbackup.backupstore.sealed;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

import io.redisbackup.backupstore.Crc32c;

/**
 * Writes a file in {@link FramedFormat}: what is written is cut into frames, each compressed and sealed as soon as
 * it is whole and passed on; closing it seals the last frame, writes the frame table and the trailer, and closes
 * the stream below. Memory is two frames, whatever the file's size.
 */
final class FramedOutputStream extends OutputStream {

    private final OutputStream out;
    private final FrameCodec codec;
    private final byte[] frame;
    private final byte[] record;
    private int[] recordLengths = new int[1024];
    private int frames;
    private int filled;
    private long plainBytes;
    private long storedBytes;
    private final CRC32C storedCrc = new CRC32C();
    private boolean closed;

    FramedOutputStream(OutputStream out, FrameCodec codec) {
        this.out = out;
        this.codec = codec;
        this.frame = new byte[codec.frameBytes()];
        this.record = new byte[codec.maxRecordBytes()];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, frame.length - filled);
            System.arraycopy(bytes, offset, frame, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == frame.length) {
                writeFrame();
            }
        }
    }

    private void writeFrame() throws IOException {
        int length = codec.seal(frames, frame, filled, record);
        storedCrc.update(record, 0, length);
        out.write(record, 0, length);
        if (frames == recordLengths.length) {
            recordLengths = Arrays.copyOf(recordLengths, frames * 2);
        }
        recordLengths[frames++] = length;
        plainBytes += filled;
        storedBytes += length;
        filled = 0;
    }

    /** How many plain bytes were written. */
    long plainBytes() {
        return plainBytes + filled;
    }

    /** How many bytes the stored file takes; known once the stream is closed. */
    long storedBytes() {
        return storedBytes;
    }

    /** The stored file's CRC32C, hex; known once the stream is closed. */
    String storedCrc32c() {
        return Crc32c.hex(storedCrc);
    }

    @Override
    public void flush() {
        // a frame is written when it is whole: flushing a part of one would break the format
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream closing = out; codec) {
            if (filled > 0) {
                writeFrame();
            }
            byte[] table = codec.sealTable(FramedFormat.table(frame.length, plainBytes, recordLengths, frames));
            byte[] trailer = FramedFormat.trailer(table.length);
            storedCrc.update(table);
            storedCrc.update(trailer);
            out.write(table);
            out.write(trailer);
            storedBytes += table.length + FramedFormat.TRAILER_BYTES;
        }
    }
}
