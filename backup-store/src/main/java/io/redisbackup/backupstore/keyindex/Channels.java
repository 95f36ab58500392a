package io.redisbackup.backupstore.keyindex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** Reads a range of a stored file. */
final class Channels {

    private Channels() {
    }

    /** {@code length} bytes at {@code position}; {@link DamagedBackupException} when the file ends before them. */
    static ByteBuffer read(SeekableByteChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(position);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new DamagedBackupException("The file is cut short: " + length + " bytes wanted at " + position);
            }
        }
        return buffer.flip();
    }
}
