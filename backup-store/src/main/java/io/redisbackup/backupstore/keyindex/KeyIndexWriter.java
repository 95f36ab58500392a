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
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

import io.redisbackup.backupstore.Crc32c;
import io.redisbackup.backupstore.Sha256;

/**
 * Builds a backup's key index from entries that come in RDB order, with bounded memory: entries are written, in
 * their index form, into one buffer of {@code runBytes}; every {@value #CHUNK} entries are sorted as they come (an
 * array of their offsets), so that the work is spread over the transfer; when the buffer is full its sorted chunks
 * are merged into a run file in a scratch folder; at the end the runs and the chunks still held are merged into the
 * index ({@link KeyIndexFormat}), and only the last chunk is left to sort. A 100-million-key backup needs disk for
 * its runs, not heap; and no object per key outlives the key's event, so the garbage collector has nothing to
 * promote.
 */
public final class KeyIndexWriter implements AutoCloseable {

    /** How many held entries are sorted at a time. */
    private static final int CHUNK = 1 << 15;
    /** How many writers' memory is kept for the writers after them. */
    private static final int SPARE_MEMORY = 2;
    private static final Deque<Memory> SPARE = new ConcurrentLinkedDeque<>();

    /**
     * The large arrays a writer sorts in, kept when it closes for the next writer of the same size: a worker that
     * takes one backup after another then allocates nothing large. New arrays of tens of MB for every backup outlived
     * several young collections, went to the old generation and died there; on a 256 MB heap that meant a full
     * collection of about 100 ms every second or third backup, often while its index was being finished.
     */
    private static final class Memory {
        final byte[] held;
        byte[] gather = new byte[0];
        int[] offsets = new int[1024];
        long[] prefixes = new long[2048];

        Memory(int bytes) {
            held = new byte[bytes];
        }

        static Memory take(int bytes) {
            for (Memory memory : SPARE) {
                if (memory.held.length == bytes && SPARE.remove(memory)) {
                    return memory;
                }
            }
            return new Memory(bytes);
        }

        void giveBack() {
            if (SPARE.size() < SPARE_MEMORY) {
                SPARE.push(this);
            }
        }
    }

    private final int chunk;

    private final Memory memory;
    private final byte[] held;
    private final ByteBuffer heldBuffer;
    private int[] heldOffsets;
    /** The first 16 bytes of each held key, zero-padded: most comparisons of the sort end here. */
    private long[] heldPrefixes;
    private int heldCount;
    /** Held entries [0, sortedUpTo) are sorted, chunk by chunk; chunk k ends at chunkEnds[k]. */
    private int sortedUpTo;
    private int[] chunkEnds = new int[16];
    private int chunks;
    /** Where a sorted chunk is put together before it goes back in place. */
    private byte[] gather;
    private final Path scratch;
    private final List<Path> runs = new ArrayList<>();
    private final Map<Integer, Long> keysPerDatabase = new TreeMap<>();
    /** Keys arrive a database at a time: they are counted here and go to the map when the database changes. */
    private int countingDb = -1;
    private long countedInDb;
    private long keys;
    private long bytes;
    private String sha256;
    private String crc32c;
    private boolean closed;

    /** @param runBytes how much entry data to hold in memory before a sorted run goes to disk */
    public KeyIndexWriter(long runBytes) {
        this(runBytes, CHUNK);
    }

    /** @param chunk how many held entries to sort at a time */
    KeyIndexWriter(long runBytes, int chunk) {
        this.chunk = chunk;
        this.memory = Memory.take(Math.toIntExact(runBytes));
        this.held = memory.held;
        this.heldBuffer = ByteBuffer.wrap(held);
        this.heldOffsets = memory.offsets;
        this.heldPrefixes = memory.prefixes;
        this.gather = memory.gather;
        try {
            this.scratch = Files.createTempDirectory("key-index-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void add(IndexEntry entry) throws IOException {
        keys++;
        if (entry.db() != countingDb) {
            countDatabase();
            countingDb = entry.db();
        }
        countedInDb++;
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
        if (heldCount - sortedUpTo >= chunk) {
            sortChunk();
        }
    }

    /**
     * Writes the whole index, sorted, to {@code target}. The merge runs on the calling thread; the digest and the
     * writing of what it has merged on another ({@link WriteBehind}).
     */
    public void finish(int rdbVersion, OutputStream target) throws IOException {
        MessageDigest digest = Sha256.digest();
        CRC32C crc = new CRC32C();
        try (WriteBehind behind = new WriteBehind(new CheckedOutputStream(new DigestOutputStream(target, digest), crc),
                "key-index-writer")) {
            bytes = write(rdbVersion, new DataOutputStream(behind));
        }
        sha256 = Sha256.hex(digest);
        crc32c = Crc32c.hex(crc);
    }

    /** The index's bytes. */
    private long write(int rdbVersion, DataOutputStream out) throws IOException {
        out.write(KeyIndexFormat.MAGIC);
        out.writeShort(KeyIndexFormat.FORMAT);
        out.writeShort(rdbVersion);
        long offset = KeyIndexFormat.HEADER_BYTES;
        ByteArrayOutputStream sparse = new ByteArrayOutputStream();
        DataOutputStream sparseOut = new DataOutputStream(sparse);
        Block block = new Block();
        int sparseCount = 0;
        long written = 0;
        List<Source> sources = heldChunks();
        for (Path run : runs) {
            sources.add(new RunSource(run));
        }
        try (Merge merge = new Merge(sources)) {
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
        return offset + KeyIndexFormat.FOOTER_BYTES;
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
        countDatabase();
        return keysPerDatabase;
    }

    private void countDatabase() {
        if (countedInDb > 0) {
            keysPerDatabase.merge(countingDb, countedInDb, Long::sum);
            countedInDb = 0;
        }
    }

    /** The size of the written index; after {@link #finish}. */
    public long bytes() {
        return bytes;
    }

    /** The CRC32C of the written index, as 8 hex digits; after {@link #finish}. */
    public String crc32c() {
        return crc32c;
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
        if (!closed) {
            closed = true;
            memory.offsets = heldOffsets;
            memory.prefixes = heldPrefixes;
            memory.gather = gather;
            memory.giveBack();
        }
        for (Path run : runs) {
            Files.deleteIfExists(run);
        }
        Files.deleteIfExists(scratch);
    }

    private void spill() throws IOException {
        if (heldCount == 0) {
            return;
        }
        try (Merge merge = new Merge(heldChunks()); DataOutputStream out = newRun()) {
            for (Cursor entry = merge.next(); entry != null; entry = merge.next()) {
                out.write(entry.buffer, entry.at, KeyIndexFormat.sizeAt(entry.buffer, entry.at));
            }
        }
        heldCount = 0;
        sortedUpTo = 0;
        chunks = 0;
        heldBuffer.clear();
    }

    /** The held entries as sorted sources, one per chunk, the last one sorted now. */
    private List<Source> heldChunks() {
        sortChunk();
        List<Source> sources = new ArrayList<>();
        for (int k = 0; k < chunks; k++) {
            sources.add(new HeldSource(k == 0 ? 0 : chunkEnds[k - 1], chunkEnds[k]));
        }
        return sources;
    }

    private DataOutputStream newRun() throws IOException {
        Path run = scratch.resolve("run-" + runs.size());
        runs.add(run);
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16));
    }

    /** Sorts the held entries not yet sorted into a chunk of their own. */
    private void sortChunk() {
        if (heldCount == sortedUpTo) {
            return;
        }
        int from = sortedUpTo;
        int count = heldCount - from;
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = from + i;
        }
        mergeSort(order, new int[count], 0, count);
        // the chunk's entries are rewritten in their sorted order where they lay, while they are in the cache:
        // the merges then read each chunk front to back
        int regionStart = heldOffsets[from];
        int regionLength = heldBuffer.position() - regionStart;
        if (gather.length < regionLength) {
            gather = new byte[Math.max(regionLength, 2 * gather.length)];
        }
        int[] sortedOffsets = new int[count];
        for (int i = 0, at = 0; i < count; i++) {
            int offset = heldOffsets[order[i]];
            int size = KeyIndexFormat.sizeAt(held, offset);
            System.arraycopy(held, offset, gather, at, size);
            sortedOffsets[i] = regionStart + at;
            at += size;
        }
        System.arraycopy(gather, 0, held, regionStart, regionLength);
        // the prefixes keep their entries' first places: a sorted chunk is not compared again
        System.arraycopy(sortedOffsets, 0, heldOffsets, from, count);
        if (chunks == chunkEnds.length) {
            chunkEnds = java.util.Arrays.copyOf(chunkEnds, 2 * chunks);
        }
        chunkEnds[chunks++] = heldCount;
        sortedUpTo = heldCount;
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
        return prefix(key, from, key.length);
    }

    /** {@link #prefix(byte[], int)} of the key that ends at {@code end} of {@code bytes}. */
    private static long prefix(byte[] bytes, int from, int end) {
        long prefix = 0;
        for (int i = from; i < from + 8; i++) {
            prefix = (prefix << 8) | (i < end ? bytes[i] & 0xff : 0);
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

    /** One sorted chunk of the held entries, in the order {@link #sortChunk} left their offsets. */
    private final class HeldSource implements Source {
        private final Cursor cursor = new Cursor();
        private final int end;
        private int next;

        HeldSource(int from, int to) {
            cursor.buffer = held;
            next = from;
            end = to;
        }

        @Override
        public Cursor next() {
            if (next == end) {
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

    /** The entries of sorted sources, in index order: a heap of sources by their next entry. */
    private final class Merge implements AutoCloseable {
        private final List<Source> sources = new ArrayList<>();
        private final Cursor[] heads;
        /** The first 16 key bytes of each source's head, as in {@link #prefix}: most comparisons end there. */
        private final long[] headPrefixes;
        private final int[] heap;
        private int size;
        private int last = -1;

        Merge(List<Source> from) throws IOException {
            sources.addAll(from);
            heads = new Cursor[sources.size()];
            headPrefixes = new long[2 * sources.size()];
            heap = new int[sources.size()];
            for (int i = 0; i < sources.size(); i++) {
                advance(i);
                if (heads[i] != null) {
                    heap[size++] = i;
                    up(size - 1);
                }
            }
        }

        Cursor next() throws IOException {
            if (last >= 0) {
                // the entry handed out last time has been used: its source moves on
                advance(last);
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

        private void advance(int source) throws IOException {
            Cursor head = sources.get(source).next();
            heads[source] = head;
            if (head != null) {
                int keyAt = head.at + 8;
                int keyEnd = keyAt + head.keyLength();
                headPrefixes[2 * source] = prefix(head.buffer, keyAt, keyEnd);
                headPrefixes[2 * source + 1] = prefix(head.buffer, keyAt + 8, keyEnd);
            }
        }

        private boolean less(int a, int b) {
            int sa = heap[a];
            int sb = heap[b];
            int byPrefix = Long.compareUnsigned(headPrefixes[2 * sa], headPrefixes[2 * sb]);
            if (byPrefix == 0) {
                byPrefix = Long.compareUnsigned(headPrefixes[2 * sa + 1], headPrefixes[2 * sb + 1]);
            }
            return (byPrefix != 0 ? byPrefix : heads[sa].compareTo(heads[sb])) < 0;
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
