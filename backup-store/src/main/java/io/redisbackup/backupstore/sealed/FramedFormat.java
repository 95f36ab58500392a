package io.redisbackup.backupstore.sealed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * How a file of a backup is stored when its manifest names a {@link io.redisbackup.backupstore.Sealing}: the plain
 * file cut into frames of {@code frameBytes} (the last one shorter), each stored as a record, then the frame table
 * and a trailer:
 * <pre>
 *   record*     int32 body length, body = seal(frame number, [form byte: 0 stored, 1 zstd][bytes])
 *   table       seal(table) of: int32 frameBytes, int64 plain size, int32 frame count, int32 record length*
 *   trailer     int32 sealed table length, 8 bytes "RBFRAME1"
 * </pre>
 * {@code seal} is AES-256-GCM under a key of this file alone (HMAC-SHA256 of the backup's data key and the file's
 * name) with the frame's number in the nonce, so a changed, moved or swapped frame fails its tag; the table, sealed
 * too, says how many frames there are, so a file cut after a whole frame is found. Without encryption {@code seal}
 * is the identity and zstd's own checksum guards each compressed frame. A reader of a few bytes at any place reads
 * the table once and then only the records that hold those bytes: one ranged read per key.
 */
final class FramedFormat {

    static final byte[] MAGIC = "RBFRAME1".getBytes(StandardCharsets.US_ASCII);
    static final int TRAILER_BYTES = 4 + 8;
    private static final int TABLE_HEADER = 4 + 8 + 4;

    private FramedFormat() {
    }

    /** The plain table of a file of {@code plainSize} bytes whose records have these lengths. */
    static byte[] table(int frameBytes, long plainSize, int[] recordLengths, int frames) {
        ByteBuffer table = ByteBuffer.allocate(tableBytes(frames))
                .putInt(frameBytes).putLong(plainSize).putInt(frames);
        for (int i = 0; i < frames; i++) {
            table.putInt(recordLengths[i]);
        }
        return table.array();
    }

    /** How long the plain table of a file of this many frames is. */
    static int tableBytes(int frames) {
        return TABLE_HEADER + 4 * frames;
    }

    static byte[] trailer(int sealedTableLength) {
        return ByteBuffer.allocate(TRAILER_BYTES).putInt(sealedTableLength).put(MAGIC).array();
    }

    /** The sealed table's length, from the trailer at the end of {@code tail}. */
    static int tableLength(byte[] tail, int end, long storedSize) throws DamagedBackupException {
        if (end < TRAILER_BYTES
                || !Arrays.equals(tail, end - MAGIC.length, end, MAGIC, 0, MAGIC.length)) {
            throw new DamagedBackupException("The stored file is cut short or damaged: it has no frame table");
        }
        int length = ByteBuffer.wrap(tail).getInt(end - TRAILER_BYTES);
        if (length < 0 || length > storedSize - TRAILER_BYTES) {
            throw new DamagedBackupException("The stored file is damaged: its trailer names no frame table");
        }
        return length;
    }

    /** Where each frame's record starts, from the opened table; the last element is where the table starts. */
    static long[] recordOffsets(byte[] table, int length, int frameBytes, long plainSize)
            throws DamagedBackupException {
        ByteBuffer in = ByteBuffer.wrap(table, 0, length);
        if (length < TABLE_HEADER || in.getInt() != frameBytes || in.getLong() != plainSize) {
            throw new DamagedBackupException("The stored file's frame table does not match its manifest");
        }
        int frames = in.getInt();
        if (frames != frames(plainSize, frameBytes) || length != tableBytes(frames)) {
            throw new DamagedBackupException("The stored file's frame table does not match its manifest");
        }
        long[] offsets = new long[frames + 1];
        for (int i = 0; i < frames; i++) {
            int record = in.getInt();
            if (record < 4) {
                throw new DamagedBackupException("The stored file's frame table is damaged");
            }
            offsets[i + 1] = offsets[i] + record;
        }
        return offsets;
    }

    /** How many frames a file of {@code plainSize} bytes has. */
    static int frames(long plainSize, int frameBytes) {
        long frames = (plainSize + frameBytes - 1) / frameBytes;
        if (frames > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many frames");
        }
        return (int) frames;
    }

    /** The plain length of frame {@code index}. */
    static int frameLength(long index, long plainSize, int frameBytes) {
        return (int) Math.min(frameBytes, plainSize - index * frameBytes);
    }
}
