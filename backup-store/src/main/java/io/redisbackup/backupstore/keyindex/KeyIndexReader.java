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

    /** What one read of a {@link #scan} asks for at most: a run of neighbouring blocks. */
    private static final int SCAN_READ_BYTES = 1 << 20;
    /** How many such reads a scan sends at once (side by side, from object storage). */
    private static final int SCAN_READS_AT_ONCE = 4;

    private final SeekableByteChannel channel;
    private final Sparse sparse;
    private final byte[][] blockKeys;
    private final long[] blockOffsets;
    private final int[] blockLengths;
    private final int[] blockCrcs;
    /** The blocks the last {@link #prefetch} read ahead, checked. */
    private final Map<Integer, byte[]> prefetched = new HashMap<>();

    /**
     * What opening an index reads and keeps: its header's format and RDB version, its footer's count of entries, and
     * its sparse part (each block's first key, place, length and CRC32C), checked. Readers of the same index may share
     * it ({@link #open(SeekableByteChannel, Sparse)}); nobody changes it.
     */
    public record Sparse(int format, int rdbVersion, long entries, byte[][] blockKeys, long[] blockOffsets,
            int[] blockLengths, int[] blockCrcs) {

        /** About how many bytes of memory it holds. */
        public long bytes() {
            long keys = 0;
            for (byte[] key : blockKeys) {
                keys += 16 + key.length;
            }
            return 64 + keys + 24L * blockKeys.length;
        }
    }

    private KeyIndexReader(SeekableByteChannel channel, Sparse sparse) {
        this.channel = channel;
        this.sparse = sparse;
        this.blockKeys = sparse.blockKeys();
        this.blockOffsets = sparse.blockOffsets();
        this.blockLengths = sparse.blockLengths();
        this.blockCrcs = sparse.blockCrcs();
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
            long sparseEnd = size - KeyIndexFormat.FOOTER_BYTES;
            // both ends at once: from object storage, two requests side by side rather than one after the other
            List<byte[]> ends = RangeReads.read(channel, List.of(new RangeReads.Range(0, KeyIndexFormat.HEADER_BYTES),
                    new RangeReads.Range(sparseEnd, KeyIndexFormat.FOOTER_BYTES)));
            ByteBuffer header = ByteBuffer.wrap(ends.get(0));
            byte[] magic = new byte[4];
            header.get(magic);
            int format = header.getShort() & 0xffff;
            int rdbVersion = header.getShort() & 0xffff;
            if (!Arrays.equals(magic, KeyIndexFormat.MAGIC) || !KeyIndexFormat.readable(format)) {
                throw new DamagedBackupException("Not a key index of format " + KeyIndexFormat.FIXED_FORMAT + " or "
                        + KeyIndexFormat.FORMAT);
            }
            ByteBuffer footer = ByteBuffer.wrap(ends.get(1));
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
            // as ranges: a sparse part of many frames is read in requests side by side, not one after the other
            byte[] sparse = RangeReads.read(channel, List.of(new RangeReads.Range(sparseOffset,
                    (int) (sparseEnd - sparseOffset)))).get(0);
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
            return new KeyIndexReader(channel, new Sparse(format, rdbVersion, entries, keys, offsets, lengths, crcs));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Reads the index from {@code channel} as {@link #open(SeekableByteChannel)} does, except what {@code known}
     * holds, which an earlier opening of the same index read: nothing is read until a key is looked up.
     */
    public static KeyIndexReader open(SeekableByteChannel channel, Sparse known) {
        return new KeyIndexReader(channel, known);
    }

    /**
     * What opening the index read, to open it again without reading it ({@link #open(SeekableByteChannel, Sparse)}).
     */
    public Sparse sparse() {
        return sparse;
    }

    /** The RDB version of the backup the index describes. */
    public int rdbVersion() {
        return sparse.rdbVersion();
    }

    public long entries() {
        return sparse.entries();
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
            byte[] bytes = block(block);
            KeyIndexFormat.BlockEntries entries = new KeyIndexFormat.BlockEntries(sparse.format(), bytes, 0,
                    bytes.length, block);
            while (entries.next()) {
                int order = Arrays.compareUnsigned(entries.keyBytes(), entries.keyOffset(),
                        entries.keyOffset() + entries.keyLength(), key, 0, key.length);
                if (order == 0) {
                    found.add(entries.entry());
                } else if (order > 0) {
                    return found;
                }
            }
        }
        return found;
    }

    /** Tells whether a key, given in place as {@code length} bytes of {@code bytes} from {@code offset}, is wanted. */
    @FunctionalInterface
    public interface KeyFilter {
        boolean accepts(byte[] bytes, int offset, int length);
    }

    /** Takes the entries a {@link #scan} selects; answers false to stop the scan. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(IndexEntry entry) throws IOException;
    }

    /**
     * Visits, in index order (key, then database), every entry whose key starts with {@code prefix} and that
     * {@code filter} accepts; an empty prefix scans the whole index. Only the blocks that can hold such keys are read,
     * runs of neighbouring blocks in reads of about {@value #SCAN_READ_BYTES} bytes, {@value #SCAN_READS_AT_ONCE} at a
     * time: memory stays bounded whatever the index's size. Every block is checked before its entries are believed.
     */
    public void scan(byte[] prefix, KeyFilter filter, Visitor visitor) throws IOException {
        int first = Math.max(0, firstBlockKeyNotBelow(prefix) - 1);
        int end = firstBlockBeyond(prefix);
        List<int[]> runs = new ArrayList<>(); // first and last block of each read
        for (int block = first; block < end; block++) {
            int[] run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (run != null && blockOffsets[run[0]] + SCAN_READ_BYTES >= blockOffsets[block] + blockLengths[block]) {
                run[1] = block;
            } else {
                runs.add(new int[] { block, block });
            }
        }
        for (int from = 0; from < runs.size(); from += SCAN_READS_AT_ONCE) {
            List<int[]> batch = runs.subList(from, Math.min(runs.size(), from + SCAN_READS_AT_ONCE));
            List<byte[]> read;
            synchronized (this) {
                read = RangeReads.read(channel, batch.stream().map(run -> new RangeReads.Range(blockOffsets[run[0]],
                        Math.toIntExact(blockOffsets[run[1]] + blockLengths[run[1]] - blockOffsets[run[0]]))).toList());
            }
            for (int r = 0; r < batch.size(); r++) {
                int[] run = batch.get(r);
                byte[] bytes = read.get(r);
                for (int block = run[0]; block <= run[1]; block++) {
                    int at = (int) (blockOffsets[block] - blockOffsets[run[0]]);
                    if (Crc32c.of(bytes, at, blockLengths[block]) != blockCrcs[block]) {
                        throw new DamagedBackupException("The key index is damaged: block " + block
                                + " fails its checksum");
                    }
                    KeyIndexFormat.BlockEntries entries = new KeyIndexFormat.BlockEntries(sparse.format(), bytes, at,
                            at + blockLengths[block], block);
                    while (entries.next()) {
                        int order = comparePrefix(entries.keyBytes(), entries.keyOffset(), entries.keyLength(), prefix);
                        if (order > 0) {
                            return; // past every key under the prefix
                        }
                        if (order == 0 && filter.accepts(entries.keyBytes(), entries.keyOffset(), entries.keyLength())
                                && !visitor.visit(entries.entry())) {
                            return;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Negative when the key sorts before every key under the prefix, 0 when it starts with it, positive after. */
    private static int comparePrefix(byte[] bytes, int keyAt, int keyLength, byte[] prefix) {
        int common = Math.min(keyLength, prefix.length);
        int order = Arrays.compareUnsigned(bytes, keyAt, keyAt + common, prefix, 0, common);
        if (order != 0) {
            return order;
        }
        return keyLength >= prefix.length ? 0 : -1;
    }

    /** The first block whose first key sorts after every key that starts with {@code prefix}. */
    private int firstBlockBeyond(byte[] prefix) {
        int low = 0;
        int high = blockKeys.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (comparePrefix(blockKeys[middle], 0, blockKeys[middle].length, prefix) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
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
