package io.redisbackup.backupstore.keyindex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

import io.redisbackup.backupstore.RangeReads;

/** Reads a range of a stored file. */
final class Channels {

    private Channels() {
    }

    /** {@code length} bytes at {@code position}; {@link DamagedBackupException} when the file ends before them. */
    static ByteBuffer read(SeekableByteChannel channel, long position, int length) throws IOException {
        return ByteBuffer.wrap(RangeReads.readFully(channel, new RangeReads.Range(position, length)));
    }
}
