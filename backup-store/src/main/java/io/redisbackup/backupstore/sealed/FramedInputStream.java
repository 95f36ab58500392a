package io.redisbackup.backupstore.sealed;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Reads a file stored in {@link FramedFormat} from start to end, one frame at a time, giving the plain bytes: what
 * a download or a whole-instance recovery streams. It ends only after it has checked the frame table and the
 * trailer, so a file cut after a whole frame, or with frames left off, fails with {@link DamagedBackupException}
 * instead of ending early.
 */
final class FramedInputStream extends InputStream {

    private final DataInputStream in;
    private final FrameCodec codec;
    private final long plainSize;
    private final int frameCount;
    private final byte[] body;
    private final byte[] frame;
    private final int[] recordLengths;
    private int next;
    private int position;
    private int limit;
    private boolean ended;

    /** @param plainSize the plain file's size, as its manifest says */
    FramedInputStream(InputStream in, FrameCodec codec, long plainSize) {
        this.in = new DataInputStream(in);
        this.codec = codec;
        this.plainSize = plainSize;
        this.frameCount = FramedFormat.frames(plainSize, codec.frameBytes());
        this.body = new byte[codec.maxRecordBytes()];
        this.frame = new byte[codec.frameBytes()];
        this.recordLengths = new int[frameCount];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit && !nextFrame()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(frame, position, bytes, offset, n);
        position += n;
        return n;
    }

    private boolean nextFrame() throws IOException {
        if (next == frameCount) {
            if (!ended) {
                checkEnd();
                ended = true;
            }
            return false;
        }
        try {
            int length = in.readInt();
            if (length < 0 || length > body.length) {
                throw new DamagedBackupException("The stored file is damaged: frame " + next + " has a wrong length");
            }
            in.readFully(body, 0, length);
            recordLengths[next] = 4 + length;
            limit = codec.open(next, body, 0, length, frame, FramedFormat.frameLength(next, plainSize, frame.length));
        } catch (EOFException e) {
            throw cutShort();
        }
        position = 0;
        next++;
        return true;
    }

    /** The table must list the frames just read, and the trailer must end the file. */
    private void checkEnd() throws IOException {
        byte[] rest = in.readNBytes(
                FramedFormat.tableBytes(frameCount) + FrameCodec.TAG_BYTES + FramedFormat.TRAILER_BYTES + 1);
        int tableLength = FramedFormat.tableLength(rest, rest.length, rest.length);
        if (tableLength != rest.length - FramedFormat.TRAILER_BYTES) {
            throw new DamagedBackupException("The stored file is damaged: bytes between its frames and their table");
        }
        int opened = codec.openTable(rest, tableLength);
        long[] offsets = FramedFormat.recordOffsets(rest, opened, frame.length, plainSize);
        for (int i = 0; i < frameCount; i++) {
            if (offsets[i + 1] - offsets[i] != recordLengths[i]) {
                throw new DamagedBackupException("The stored file's frame table does not match its frames");
            }
        }
    }

    private static DamagedBackupException cutShort() {
        return new DamagedBackupException("The stored file is cut short");
    }

    @Override
    public void close() throws IOException {
        try (InputStream closing = in) {
            codec.close();
        }
    }
}
