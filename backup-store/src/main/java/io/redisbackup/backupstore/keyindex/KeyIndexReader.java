package io.redisbackup.backupstore.keyindex;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;

import io.redisbackup.backupstore.Crc32c;
import io.redisbackup.backupstore.RangeReads;

/**
 * Finds keys in a backup's key index ({@link KeyIndexFormat}) without reading it all: it keeps the sparse index
 * (one key in every {@value KeyIndexFormat#BLOCK}) in memory and reads one block of entries per key looked up.
 * Every block is checked against its CRC32C before it is believed: a damaged index is an {@link IOException},
 * never a wrong answer.
 */
public final class KeyIndexReader implements AutoCloseable {

    private final SeekableByteChannel channel;
    private final int rdbVersion;
    private final long entries;
    private final byte[][] blockKeys;
    private final long[] blockOffsets;
    private final int[] blockLengths;
    private final int[] blockCrcs;
    /** The blocks the last {@link #prefetch} read ahead, checked. */
    private final Map<Integer, byte[]> prefetched = new HashMap<>();

    private KeyIndexReader(SeekableByteChannel channel, int rdbVersion, long entries, byte[][] blockKeys,
            long[] blockOffsets, int[] blockLengths, int[] blockCrcs) {
        this.channel = channel;
        this.rdbVersion = rdbVersion;
        this.entries = entries;
        this.blockKeys = blockKeys;
        this.blockOffsets = blockOffsets;
        this.blockLengths = blockLengths;
        this.blockCrcs = blockCrcs;
    }

    public static KeyIndexReader open(Path file) throws IOException {
        return open(Files.newByteChannel(file, StandardOpenOption.READ));
    }

    /** Reads the index from {@code channel}, which it closes when it is closed (or when it cannot be read). */
    public static KeyIndexReader open(SeekableByteChannel channel) throws IOException {
        try {
            long size = channel.size();
            if (size < KeyIndexFormat.HEADER_BYTES + KeyIndexFormat.FOOTER_BYTES) {
                throw new DamagedBackupException("The key index is cut short: " + size + " bytes");
            }
            ByteBuffer header = Channels.read(channel, 0, KeyIndexFormat.HEADER_BYTES);
            byte[] magic = new byte[4];
            header.get(magic);
            int format = header.getShort() & 0xffff;
            int rdbVersion = header.getShort() & 0xffff;
            if (!Arrays.equals(magic, KeyIndexFormat.MAGIC) || format != KeyIndexFormat.FORMAT) {
                throw new DamagedBackupException("Not a key index of format " + KeyIndexFormat.FORMAT);
            }
            long sparseEnd = size - KeyIndexFormat.FOOTER_BYTES;
            ByteBuffer footer = Channels.read(channel, sparseEnd, KeyIndexFormat.FOOTER_BYTES);
            long sparseOffset = footer.getLong();
            int sparseCount = footer.getInt();
            long entries = footer.getLong();
            int sparseCrc = footer.getInt();
            byte[] footerMagic = new byte[4];
            footer.get(footerMagic);
            if (!Arrays.equals(footerMagic, KeyIndexFormat.FOOTER_MAGIC) || sparseCount < 0 || entries < 0
                    || sparseOffset < KeyIndexFormat.HEADER_BYTES || sparseOffset > sparseEnd
                    || sparseEnd - sparseOffset > Integer.MAX_VALUE) {
                throw new DamagedBackupException("The key index is cut short or damaged");
            }
            byte[] sparse = Channels.read(channel, sparseOffset, (int) (sparseEnd - sparseOffset)).array();
            if (Crc32c.of(sparse) != sparseCrc) {
                throw new DamagedBackupException("The key index is damaged: its sparse index fails its checksum");
            }
            byte[][] keys = new byte[sparseCount][];
            long[] offsets = new long[sparseCount];
            int[] lengths = new int[sparseCount];
            int[] crcs = new int[sparseCount];
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(sparse));
            for (int i = 0; i < sparseCount; i++) {
                keys[i] = new byte[KeyIndexFormat.keyLength(in.readInt())];
                in.readFully(keys[i]);
                offsets[i] = in.readLong();
                lengths[i] = in.readInt();
                crcs[i] = in.readInt();
                if (offsets[i] < KeyIndexFormat.HEADER_BYTES || lengths[i] < 0 || offsets[i] + lengths[i] > sparseOffset) {
                    throw new DamagedBackupException("The key index is damaged: block " + i + " lies outside it");
                }
            }
            return new KeyIndexReader(channel, rdbVersion, entries, keys, offsets, lengths, crcs);
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

    /**
     * Reads ahead, all at once ({@link RangeReads}), the blocks that {@link #find} will need for these keys: from
     * object storage, side by side rather than one request per key. Each block is checked, and kept until the
     * next prefetch.
     */
    public synchronized void prefetch(List<byte[]> keys) throws IOException {
        prefetched.clear();
        TreeSet<Integer> blocks = new TreeSet<>();
        for (byte[] key : keys) {
            candidateBlocks(key).forEach(blocks::add);
        }
        List<RangeReads.Range> ranges = blocks.stream()
                .map(block -> new RangeReads.Range(blockOffsets[block], blockLengths[block])).toList();
        List<byte[]> read = RangeReads.read(channel, ranges);
        int i = 0;
        for (int block : blocks) {
            prefetched.put(block, checked(block, read.get(i++)));
        }
    }

    /** Every entry of {@code key}, one per database that holds it; empty when the backup does not have the key. */
    public synchronized List<IndexEntry> find(byte[] key) throws IOException {
        List<IndexEntry> found = new ArrayList<>();
        for (int block : candidateBlocks(key).toArray()) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(block(block)));
            while (in.available() > 0) {
                IndexEntry entry = KeyIndexFormat.read(in);
                int order = Arrays.compareUnsigned(entry.key(), key);
                if (order == 0) {
                    found.add(entry);
                } else if (order > 0) {
                    return found;
                }
            }
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private byte[] block(int block) throws IOException {
        byte[] ahead = prefetched.get(block);
        return ahead != null ? ahead : checked(block, Channels.read(channel, blockOffsets[block], blockLengths[block])
                .array());
    }

    private byte[] checked(int block, byte[] bytes) throws DamagedBackupException {
        if (Crc32c.of(bytes) != blockCrcs[block]) {
            throw new DamagedBackupException("The key index is damaged: block " + block + " fails its checksum");
        }
        return bytes;
    }

    /**
     * The blocks that may hold entries of {@code key}: a key held in several databases may start in the block
     * before the first block key that is not below it, and go on into the blocks after, while their first key is
     * not above it.
     */
    private IntStream candidateBlocks(byte[] key) {
        return IntStream.range(Math.max(0, firstBlockKeyNotBelow(key) - 1), blockKeys.length)
                .takeWhile(block -> block == 0 || Arrays.compareUnsigned(blockKeys[block], key) <= 0);
    }

    private int firstBlockKeyNotBelow(byte[] key) {
        int low = 0;
        int high = blockKeys.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (Arrays.compareUnsigned(blockKeys[middle], key) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
