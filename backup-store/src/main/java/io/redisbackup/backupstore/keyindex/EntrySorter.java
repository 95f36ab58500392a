package io.redisbackup.backupstore.keyindex;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * An external sort of index entries with bounded memory: entries are written, in their index form, into one buffer
 * of {@code runBytes}; every {@code chunk} entries are sorted as they come (an array of their offsets), so that the
 * work is spread over the transfer; when the buffer is full its sorted chunks are merged into a run file in a
 * scratch folder; at the end {@link #merged} merges the runs and the chunks still held, and only the last chunk is
 * left to sort. A 100-million-key backup needs disk for its runs, not heap; and no object per key outlives the
 * key's event, so the garbage collector has nothing to promote.
 */
final class EntrySorter implements AutoCloseable {

    /** How many held entries are sorted at a time. */
    static final int CHUNK = 1 << 15;
    /** How many sorters' memory is kept for the sorters after them. */
    private static final int SPARE_MEMORY = 2;
    private static final Deque<Memory> SPARE = new ConcurrentLinkedDeque<>();

    /**
     * The large arrays a sorter works in, kept when it closes for the next sorter of the same size: a worker that
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
    private boolean closed;

    /**
     * @param runBytes how much entry data to hold in memory before a sorted run goes to disk
     * @param chunk how many held entries to sort at a time
     */
    EntrySorter(long runBytes, int chunk) {
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

    void add(IndexEntry entry) throws IOException {
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
            heldOffsets = Arrays.copyOf(heldOffsets, heldCount * 2);
            heldPrefixes = Arrays.copyOf(heldPrefixes, heldCount * 4);
        }
        heldPrefixes[2 * heldCount] = SortedEntry.prefix(entry.key(), 0);
        heldPrefixes[2 * heldCount + 1] = SortedEntry.prefix(entry.key(), 8);
        heldOffsets[heldCount++] = heldBuffer.position();
        KeyIndexFormat.write(heldBuffer, entry);
        if (heldCount - sortedUpTo >= chunk) {
            sortChunk();
        }
    }

    /** Every entry added, in index order. */
    EntryMerge merged() throws IOException {
        List<SortedEntry.Source> sources = heldChunks();
        for (Path run : runs) {
            sources.add(new EntryMerge.RunSource(run));
        }
        return new EntryMerge(sources);
    }

    /** How many sorted runs went to disk: 0 when every entry fitted in memory. */
    int runs() {
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
        try (EntryMerge merge = new EntryMerge(heldChunks()); DataOutputStream out = newRun()) {
            for (SortedEntry entry = merge.next(); entry != null; entry = merge.next()) {
                out.write(entry.buffer, entry.at, KeyIndexFormat.sizeAt(entry.buffer, entry.at));
            }
        }
        heldCount = 0;
        sortedUpTo = 0;
        chunks = 0;
        heldBuffer.clear();
    }

    /** The held entries as sorted sources, one per chunk, the last one sorted now. */
    private List<SortedEntry.Source> heldChunks() {
        sortChunk();
        List<SortedEntry.Source> sources = new ArrayList<>();
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
            chunkEnds = Arrays.copyOf(chunkEnds, 2 * chunks);
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

    /** One sorted chunk of the held entries, in the order {@link #sortChunk} left their offsets. */
    private final class HeldSource implements SortedEntry.Source {
        private final SortedEntry cursor = new SortedEntry();
        private final int end;
        private int next;

        HeldSource(int from, int to) {
            cursor.buffer = held;
            next = from;
            end = to;
        }

        @Override
        public SortedEntry next() {
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
}
