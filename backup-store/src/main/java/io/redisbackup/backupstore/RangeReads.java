package io.redisbackup.backupstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Reads many ranges of a stored file at once: what a keys recovery asks for (an index block per key, then each
 * key's bytes), so that a store whose every read is a request (object storage) can send them side by side instead
 * of one after the other. A channel that cannot is read range by range ({@link #read(SeekableByteChannel, List)}).
 */
public interface RangeReads {

    /** {@code length} bytes at {@code position}. */
    record Range(long position, int length) {
        public Range {
            if (position < 0 || length < 0) {
                throw new IllegalArgumentException("range " + position + "+" + length);
            }
        }

        public long end() {
            return position + length;
        }
    }

    /** The bytes of each range, in the order asked; {@link DamagedBackupException} when the file ends before one. */
    List<byte[]> readRanges(List<Range> ranges) throws IOException;

    /** The bytes of each range of {@code channel}: all at once where it can, else one after the other. */
    static List<byte[]> read(SeekableByteChannel channel, List<Range> ranges) throws IOException {
        if (channel instanceof RangeReads batched) {
            return batched.readRanges(ranges);
        }
        List<byte[]> read = new ArrayList<>(ranges.size());
        for (Range range : ranges) {
            read.add(readFully(channel, range));
        }
        return read;
    }

    /** One range, read whole. */
    static byte[] readFully(SeekableByteChannel channel, Range range) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(range.length());
        channel.position(range.position());
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new DamagedBackupException("The file is cut short: " + range.length() + " bytes wanted at "
                        + range.position());
            }
        }
        return buffer.array();
    }
}
