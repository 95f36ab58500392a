package io.redisbackup.backupstore.keyindex;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Builds a backup's key index from entries that come in RDB order, with bounded memory: entries are written, in
 * their index form, into one buffer of {@code runBytes}; when it is full its entries are sorted (an array of their
 * offsets) and written to a run file in a scratch folder; at the end the runs are merged into the index
 * ({@link KeyIndexFormat}). A 100-million-key backup needs disk for its runs, not heap; and no object per key
 * outlives the key's event, so the garbage collector has nothing to promote.
 */
public final class KeyIndexWriter implements AutoCloseable {

    private static final Comparator<IndexEntry> ORDER = (a, b) -> IndexEntry.compare(a.key(), a.db(), b.key(), b.db());

    private final byte[] held;
    private final ByteBuffer heldBuffer;
    private int[] heldOffsets = new int[1024];
    private int heldCount;
    private final Path scratch;
    private final List<Path> runs = new ArrayList<>();
    private final Map<Integer, Long> keysPerDatabase = new TreeMap<>();
    private long keys;
    private long bytes;
    private String sha256;

    /** @param runBytes how much entry data to hold in memory before a sorted run goes to disk */
    public KeyIndexWriter(long runBytes) {
        this.held = new byte[Math.toIntExact(runBytes)];
        this.heldBuffer = ByteBuffer.wrap(held);
        try {
            this.scratch = Files.createTempDirectory("key-index-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void add(IndexEntry entry) throws IOException {
        keys++;
        keysPerDatabase.merge(entry.db(), 1L, Long::sum);
        int size = KeyIndexFormat.size(entry);
        if (heldBuffer.position() + size > held.length) {
            spill();
        }
        if (size > held.length) {
            // a key longer than the buffer: a run of its own
            try (DataOutputStream out = newRun()) {
                KeyIndexFormat.write(out, entry);
            }
            return;
        }
        if (heldCount == heldOffsets.length) {
            heldOffsets = java.util.Arrays.copyOf(heldOffsets, heldCount * 2);
        }
        heldOffsets[heldCount++] = heldBuffer.position();
        KeyIndexFormat.write(heldBuffer, entry);
    }

    /** Writes the whole index, sorted, to {@code target}. */
    public void finish(int rdbVersion, OutputStream target) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(target, digest), 1 << 16));
        out.write(KeyIndexFormat.MAGIC);
        out.writeShort(KeyIndexFormat.FORMAT);
        out.writeShort(rdbVersion);
        long offset = KeyIndexFormat.HEADER_BYTES;
        ByteArrayOutputStream sparse = new ByteArrayOutputStream();
        DataOutputStream sparseOut = new DataOutputStream(sparse);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        DataOutputStream blockOut = new DataOutputStream(block);
        byte[] blockKey = null;
        int sparseCount = 0;
        long written = 0;
        try (Merge merge = new Merge()) {
            for (IndexEntry entry = merge.next(); entry != null; entry = merge.next()) {
                if (blockKey == null) {
                    blockKey = entry.key();
                }
                KeyIndexFormat.write(blockOut, entry);
                written++;
                if (written % KeyIndexFormat.BLOCK == 0) {
                    offset += endBlock(out, block, blockKey, offset, sparseOut);
                    sparseCount++;
                    blockKey = null;
                }
            }
        }
        if (blockKey != null) {
            offset += endBlock(out, block, blockKey, offset, sparseOut);
            sparseCount++;
        }
        long sparseOffset = offset;
        sparse.writeTo(out);
        offset += sparse.size();
        out.writeLong(sparseOffset);
        out.writeInt(sparseCount);
        out.writeLong(written);
        out.writeInt(crc32c(sparse.toByteArray()));
        out.write(KeyIndexFormat.FOOTER_MAGIC);
        out.flush();
        bytes = offset + KeyIndexFormat.FOOTER_BYTES;
        sha256 = HexFormat.of().formatHex(digest.digest());
    }

    /** Writes a block of entries and its line of the sparse index; the block's length. */
    private static long endBlock(OutputStream out, ByteArrayOutputStream block, byte[] firstKey, long offset,
            DataOutputStream sparse) throws IOException {
        byte[] bytes = block.toByteArray();
        out.write(bytes);
        sparse.writeInt(firstKey.length);
        sparse.write(firstKey);
        sparse.writeLong(offset);
        sparse.writeInt(bytes.length);
        sparse.writeInt(crc32c(bytes));
        block.reset();
        return bytes.length;
    }

    static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    public long keys() {
        return keys;
    }

    public Map<Integer, Long> keysPerDatabase() {
        return keysPerDatabase;
    }

    /** The size of the written index; after {@link #finish}. */
    public long bytes() {
        return bytes;
    }

    /** The SHA-256 of the written index; after {@link #finish}. */
    public String sha256() {
        return sha256;
    }

    /** How many sorted runs went to disk: 0 when the whole index fitted in memory. */
    public int runs() {
        return runs.size();
    }

    @Override
    public void close() throws IOException {
        for (Path run : runs) {
            Files.deleteIfExists(run);
        }
        Files.deleteIfExists(scratch);
    }

    private void spill() throws IOException {
        if (heldCount == 0) {
            return;
        }
        sortHeld();
        try (DataOutputStream out = newRun()) {
            for (int i = 0; i < heldCount; i++) {
                int offset = heldOffsets[i];
                out.write(held, offset, KeyIndexFormat.size(heldBuffer.getInt(offset + 4)));
            }
        }
        heldCount = 0;
        heldBuffer.clear();
    }

    private DataOutputStream newRun() throws IOException {
        Path run = scratch.resolve("run-" + runs.size());
        runs.add(run);
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16));
    }

    /** Sorts the offsets of the held entries into index order (a merge sort: no boxing, no object per entry). */
    private void sortHeld() {
        int[] scratchOffsets = new int[heldCount];
        mergeSort(heldOffsets, scratchOffsets, 0, heldCount);
    }

    private void mergeSort(int[] a, int[] tmp, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int middle = (from + to) >>> 1;
        mergeSort(a, tmp, from, middle);
        mergeSort(a, tmp, middle, to);
        if (compareHeld(a[middle - 1], a[middle]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        for (int i = from, left = from, right = middle; i < to; i++) {
            if (right >= to || (left < middle && compareHeld(tmp[left], tmp[right]) <= 0)) {
                a[i] = tmp[left++];
            } else {
                a[i] = tmp[right++];
            }
        }
    }

    private int compareHeld(int a, int b) {
        int lengthA = heldBuffer.getInt(a + 4);
        int lengthB = heldBuffer.getInt(b + 4);
        int byKey = java.util.Arrays.compareUnsigned(held, a + 8, a + 8 + lengthA, held, b + 8, b + 8 + lengthB);
        return byKey != 0 ? byKey : Integer.compare(heldBuffer.getInt(a), heldBuffer.getInt(b));
    }

    /** The entries of every run and of what is still held, in index order. */
    private final class Merge implements AutoCloseable {
        private final PriorityQueue<Source> queue = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
        private final List<DataInputStream> open = new ArrayList<>();

        Merge() throws IOException {
            sortHeld();
            int[] next = { 0 };
            Source memory = new Source(() -> KeyIndexFormat.read(heldBuffer, heldOffsets[next[0]++]), heldCount);
            memory.advance();
            if (memory.head != null) {
                queue.add(memory);
            }
            for (Path run : runs) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
                open.add(in);
                Source source = new Source(() -> KeyIndexFormat.read(in), -1);
                source.advance();
                if (source.head != null) {
                    queue.add(source);
                }
            }
        }

        IndexEntry next() throws IOException {
            Source source = queue.poll();
            if (source == null) {
                return null;
            }
            IndexEntry entry = source.head;
            source.advance();
            if (source.head != null) {
                queue.add(source);
            }
            return entry;
        }

        @Override
        public void close() throws IOException {
            for (DataInputStream in : open) {
                in.close();
            }
        }
    }

    private interface Reader {
        IndexEntry read() throws IOException;
    }

    /** One sorted source of entries, with its next entry at hand. */
    private static final class Source {
        private final Reader reader;
        private long remaining;
        IndexEntry head;

        Source(Reader reader, long count) {
            this.reader = reader;
            this.remaining = count;
        }

        void advance() throws IOException {
            if (remaining == 0) {
                head = null;
                return;
            }
            try {
                head = reader.read();
                remaining--;
            } catch (EOFException end) {
                head = null;
            }
        }
    }
}
