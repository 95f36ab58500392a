package io.redisbackup.backupstore.keyindex;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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

    private final byte[] held;
    private final ByteBuffer heldBuffer;
    private int[] heldOffsets = new int[1024];
    /** The first 16 bytes of each held key, zero-padded: most comparisons of the sort end here. */
    private long[] heldPrefixes = new long[2048];
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
            heldPrefixes = java.util.Arrays.copyOf(heldPrefixes, heldCount * 4);
        }
        heldPrefixes[2 * heldCount] = prefix(entry.key(), 0);
        heldPrefixes[2 * heldCount + 1] = prefix(entry.key(), 8);
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
        Block block = new Block();
        int sparseCount = 0;
        long written = 0;
        try (Merge merge = new Merge()) {
            for (Cursor entry = merge.next(); entry != null; entry = merge.next()) {
                block.add(entry);
                written++;
                if (written % KeyIndexFormat.BLOCK == 0) {
                    offset += block.end(out, offset, sparseOut);
                    sparseCount++;
                }
            }
        }
        if (block.entries > 0) {
            offset += block.end(out, offset, sparseOut);
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

    /** The entries of one block, as their bytes, and its first key. */
    private static final class Block {
        private byte[] bytes = new byte[64 << 10];
        private int length;
        private int entries;
        private int firstKeyAt;
        private int firstKeyLength;

        void add(Cursor entry) {
            int size = entry.size();
            if (length + size > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + size));
            }
            System.arraycopy(entry.buffer, entry.at, bytes, length, size);
            if (entries == 0) {
                firstKeyAt = length + 8;
                firstKeyLength = entry.keyLength();
            }
            length += size;
            entries++;
        }

        /** Writes the block and its line of the sparse index; the block's length. */
        long end(OutputStream out, long offset, DataOutputStream sparse) throws IOException {
            out.write(bytes, 0, length);
            sparse.writeInt(firstKeyLength);
            sparse.write(bytes, firstKeyAt, firstKeyLength);
            sparse.writeLong(offset);
            sparse.writeInt(length);
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, length);
            sparse.writeInt((int) crc.getValue());
            long written = length;
            length = 0;
            entries = 0;
            return written;
        }
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
                out.write(held, offset, KeyIndexFormat.sizeAt(held, offset));
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

    /** Sorts the held entries into index order: their offsets, by a merge sort with no object per entry. */
    private void sortHeld() {
        int[] order = new int[heldCount];
        for (int i = 0; i < heldCount; i++) {
            order[i] = i;
        }
        mergeSort(order, new int[heldCount], 0, heldCount);
        int[] sortedOffsets = new int[heldCount];
        for (int i = 0; i < heldCount; i++) {
            sortedOffsets[i] = heldOffsets[order[i]];
        }
        System.arraycopy(sortedOffsets, 0, heldOffsets, 0, heldCount);
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

    /** Held entries {@code i} and {@code j} in index order: key bytes unsigned, then database. */
    private int compareHeld(int i, int j) {
        int byPrefix = Long.compareUnsigned(heldPrefixes[2 * i], heldPrefixes[2 * j]);
        if (byPrefix == 0) {
            byPrefix = Long.compareUnsigned(heldPrefixes[2 * i + 1], heldPrefixes[2 * j + 1]);
        }
        if (byPrefix != 0) {
            return byPrefix;
        }
        return KeyIndexFormat.compareAt(held, heldOffsets[i], held, heldOffsets[j]);
    }

    /** Eight bytes of the key from {@code from}, big-endian, zero-padded: their unsigned order is the keys' order. */
    private static long prefix(byte[] key, int from) {
        long prefix = 0;
        for (int i = from; i < from + 8; i++) {
            prefix = (prefix << 8) | (i < key.length ? key[i] & 0xff : 0);
        }
        return prefix;
    }

    /** One entry in its index form, where it lies in a buffer. */
    private static final class Cursor {
        byte[] buffer;
        int at;

        int keyLength() {
            return KeyIndexFormat.intAt(buffer, at + 4);
        }

        int size() {
            return KeyIndexFormat.size(keyLength());
        }

        /** Index order: key bytes unsigned, then database. */
        int compareTo(Cursor other) {
            return KeyIndexFormat.compareAt(buffer, at, other.buffer, other.at);
        }
    }

    /** A sorted source of entries: a run on disk, or the sorted held entries. */
    private interface Source extends AutoCloseable {
        /** The next entry, valid until the next call; null at the end. */
        Cursor next() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The held entries, in the order {@link #sortHeld} left their offsets. */
    private final class HeldSource implements Source {
        private final Cursor cursor = new Cursor();
        private int next;

        HeldSource() {
            cursor.buffer = held;
        }

        @Override
        public Cursor next() {
            if (next == heldCount) {
                return null;
            }
            cursor.at = heldOffsets[next++];
            return cursor;
        }

        @Override
        public void close() {
            // memory only
        }
    }

    /** A run file, read in large pieces; an entry is always whole in the buffer. */
    private static final class RunSource implements Source {
        private final InputStream in;
        private final Cursor cursor = new Cursor();
        private byte[] buffer = new byte[256 << 10];
        private int position;
        private int limit;

        RunSource(Path run) throws IOException {
            in = Files.newInputStream(run);
            cursor.buffer = buffer;
        }

        @Override
        public Cursor next() throws IOException {
            if (!ensure(8)) {
                return null;
            }
            int size = KeyIndexFormat.sizeAt(buffer, position);
            if (!ensure(size)) {
                throw new EOFException("A run of the key index ends inside an entry");
            }
            cursor.buffer = buffer;
            cursor.at = position;
            position += size;
            return cursor;
        }

        /** At least {@code bytes} unread bytes in the buffer, unless the run ends first. */
        private boolean ensure(int bytes) throws IOException {
            if (limit - position >= bytes) {
                return true;
            }
            if (bytes > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, bytes);
            }
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
            while (limit < bytes) {
                int n = in.read(buffer, limit, buffer.length - limit);
                if (n < 0) {
                    return false;
                }
                limit += n;
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The entries of every run and of what is still held, in index order: a heap of sources by their next entry. */
    private final class Merge implements AutoCloseable {
        private final List<Source> sources = new ArrayList<>();
        private final Cursor[] heads;
        private final int[] heap;
        private int size;
        private int last = -1;

        Merge() throws IOException {
            sortHeld();
            sources.add(new HeldSource());
            for (Path run : runs) {
                sources.add(new RunSource(run));
            }
            heads = new Cursor[sources.size()];
            heap = new int[sources.size()];
            for (int i = 0; i < sources.size(); i++) {
                heads[i] = sources.get(i).next();
                if (heads[i] != null) {
                    heap[size++] = i;
                    up(size - 1);
                }
            }
        }

        Cursor next() throws IOException {
            if (last >= 0) {
                // the entry handed out last time has been used: its source moves on
                heads[last] = sources.get(last).next();
                if (heads[last] == null) {
                    heap[0] = heap[--size];
                }
                down(0);
                last = -1;
            }
            if (size == 0) {
                return null;
            }
            last = heap[0];
            return heads[last];
        }

        private boolean less(int a, int b) {
            return heads[heap[a]].compareTo(heads[heap[b]]) < 0;
        }

        private void up(int i) {
            while (i > 0 && less(i, (i - 1) / 2)) {
                swap(i, (i - 1) / 2);
                i = (i - 1) / 2;
            }
        }

        private void down(int i) {
            while (true) {
                int smallest = i;
                int left = 2 * i + 1;
                int right = left + 1;
                if (left < size && less(left, smallest)) {
                    smallest = left;
                }
                if (right < size && less(right, smallest)) {
                    smallest = right;
                }
                if (smallest == i) {
                    return;
                }
                swap(i, smallest);
                i = smallest;
            }
        }

        private void swap(int a, int b) {
            int t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
        }

        @Override
        public void close() throws IOException {
            for (Source source : sources) {
                source.close();
            }
        }
    }
}
