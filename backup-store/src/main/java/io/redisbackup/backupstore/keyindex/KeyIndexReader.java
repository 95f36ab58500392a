package io.redisbackup.backupstore.keyindex;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds keys in a backup's key index ({@link KeyIndexFormat}) without reading it all: it keeps the sparse index
 * (one key in every {@value KeyIndexFormat#BLOCK}) in memory and reads one block of entries per key looked up.
 */
public final class KeyIndexReader implements AutoCloseable {

    private final FileChannel channel;
    private final int rdbVersion;
    private final long entries;
    private final long sparseOffset;
    private final byte[][] sparseKeys;
    private final long[] sparseOffsets;

    private KeyIndexReader(FileChannel channel, int rdbVersion, long entries, long sparseOffset, byte[][] sparseKeys,
            long[] sparseOffsets) {
        this.channel = channel;
        this.rdbVersion = rdbVersion;
        this.entries = entries;
        this.sparseOffset = sparseOffset;
        this.sparseKeys = sparseKeys;
        this.sparseOffsets = sparseOffsets;
    }

    public static KeyIndexReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer header = read(channel, 0, KeyIndexFormat.HEADER_BYTES);
            byte[] magic = new byte[4];
            header.get(magic);
            int format = header.getShort() & 0xffff;
            int rdbVersion = header.getShort() & 0xffff;
            if (!Arrays.equals(magic, KeyIndexFormat.MAGIC) || format != KeyIndexFormat.FORMAT) {
                throw new IOException("Not a key index of format " + KeyIndexFormat.FORMAT + ": " + file);
            }
            ByteBuffer footer = read(channel, channel.size() - KeyIndexFormat.FOOTER_BYTES, KeyIndexFormat.FOOTER_BYTES);
            long sparseOffset = footer.getLong();
            int sparseCount = footer.getInt();
            long entries = footer.getLong();
            byte[] footerMagic = new byte[4];
            footer.get(footerMagic);
            if (!Arrays.equals(footerMagic, KeyIndexFormat.FOOTER_MAGIC) || sparseCount < 0) {
                throw new IOException("The key index is cut short or damaged: " + file);
            }
            byte[][] keys = new byte[sparseCount][];
            long[] offsets = new long[sparseCount];
            try (DataInputStream in = stream(channel, sparseOffset)) {
                for (int i = 0; i < sparseCount; i++) {
                    keys[i] = new byte[in.readInt()];
                    in.readFully(keys[i]);
                    offsets[i] = in.readLong();
                }
            }
            return new KeyIndexReader(channel, rdbVersion, entries, sparseOffset, keys, offsets);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The RDB version of the backup the index describes. */
    public int rdbVersion() {
        return rdbVersion;
    }

    public long entries() {
        return entries;
    }

    /** Every entry of {@code key}, one per database that holds it; empty when the backup does not have the key. */
    public synchronized List<IndexEntry> find(byte[] key) throws IOException {
        List<IndexEntry> found = new ArrayList<>();
        if (sparseKeys.length == 0) {
            return found;
        }
        // a key held in several databases may start in the block before the first block key that is not below it
        int firstNotBelow = firstSparseKeyNotBelow(key);
        int block = Math.max(0, firstNotBelow - 1);
        long offset = sparseOffsets[block];
        try (DataInputStream in = stream(channel, offset)) {
            while (offset < sparseOffset) {
                IndexEntry entry = KeyIndexFormat.read(in);
                offset += 4 + 4 + entry.key().length + 8 + 8 + 1 + 8;
                int order = Arrays.compareUnsigned(entry.key(), key);
                if (order == 0) {
                    found.add(entry);
                } else if (order > 0) {
                    break;
                }
            }
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private int firstSparseKeyNotBelow(byte[] key) {
        int low = 0;
        int high = sparseKeys.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (Arrays.compareUnsigned(sparseKeys[middle], key) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("The key index is cut short");
            }
        }
        return buffer.flip();
    }

    /** Reads from {@code position} without moving the channel (positional reads), buffered. */
    private static DataInputStream stream(FileChannel channel, long position) {
        InputStream positional = new InputStream() {
            private long at = position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                int n = channel.read(ByteBuffer.wrap(bytes, offset, length), at);
                if (n > 0) {
                    at += n;
                }
                return n;
            }

            @Override
            public void close() {
                // the channel belongs to the reader
            }
        };
        return new DataInputStream(new BufferedInputStream(positional, 16 << 10));
    }
}
