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
import java.util.List;

import io.redisbackup.backupstore.Spares;

/**
 * An external sort of index entries with bounded memory: entries are written, in their index form, into one buffer
 * of {@code runBytes}; every {@code chunk} entries are sorted as they come (by their keys' first 16 bytes), so that the
 * work is spread over the transfer; when the buffer is full its sorted chunks are merged into a run file in a
 * scratch folder; at the end {@link #merged} merges the runs and the chunks still held, and only the last chunk is
 * left to sort. A 100-million-key backup needs disk for its runs, not heap; and no object per key outlives the
 * key's event, so the garbage collector has nothing to promote.
 */
final class EntrySorter implements AutoCloseable {

    /** How many held entries are sorted at a time. */
    static final int CHUNK = 1 << 15;
    /** The sorters' memory, kept for the sorters after them ({@link Spares}). */
    private static final Spares<Memory> SPARE = new Spares<>(memory -> memory.held.length);

    /**
     * The large arrays a sorter works in, kept when it closes for the next sorter of about the same size: a worker
     * that takes one backup after another then allocates nothing large.
     */
    private static final class Memory {
        final byte[] held;
        byte[] gather = new byte[0];
        int[] offsets = new int[1024];
        /** A chunk's keys being sorted, and where a merge pass puts them ({@link ChunkSort}). */
        ChunkSort sort = new ChunkSort(0);
        ChunkSort merged = new ChunkSort(0);

        Memory(long bytes) {
            held = new byte[Math.toIntExact(bytes)];
        }
    }

    /**
     * The entries of a chunk as its sort sees them: the first 16 bytes of each key (zero-padded; most comparisons
     * end there) and the entry's place, side by side, so that every pass of the sort reads and writes them in order.
     */
    private static final class ChunkSort {
        final long[] first;
        final long[] second;
        final int[] entry;

        ChunkSort(int size) {
            first = new long[size];
            second = new long[size];
            entry = new int[size];
        }

        void set(int i, ChunkSort from, int j) {
            first[i] = from.first[j];
            second[i] = from.second[j];
            entry[i] = from.entry[j];
        }
    }

    private final int chunk;
    private final Memory memory;
    private final byte[] held;
    /** How much of {@link #held} this sorter fills before a run goes to disk: its run bytes. */
    private final int capacity;
    private final ByteBuffer heldBuffer;
    private int[] heldOffsets;
    private final ChunkSort sort;
    private final ChunkSort merged;
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
        this.capacity = Math.toIntExact(runBytes);
        this.memory = SPARE.take(capacity, Memory::new);
        this.held = memory.held;
        this.heldBuffer = ByteBuffer.wrap(held, 0, capacity);
        this.heldOffsets = memory.offsets;
        if (memory.sort.entry.length < chunk) {
            memory.sort = new ChunkSort(chunk);
            memory.merged = new ChunkSort(chunk);
        }
        this.sort = memory.sort;
        this.merged = memory.merged;
        this.gather = memory.gather;
        try {
            this.scratch = Files.createTempDirectory("key-index-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void add(IndexEntry entry) throws IOException {
        int size = KeyIndexFormat.size(entry);
        if (heldBuffer.position() + size > capacity) {
            spill();
        }
        if (size > capacity) {
            // a key longer than the buffer: a run of its own
            try (DataOutputStream out = newRun()) {
                KeyIndexFormat.write(out, entry);
            }
            return;
        }
        if (heldCount == heldOffsets.length) {
            heldOffsets = Arrays.copyOf(heldOffsets, heldCount * 2);
        }
        int inChunk = heldCount - sortedUpTo;
        sort.first[inChunk] = SortedEntry.prefix(entry.key(), 0);
        sort.second[inChunk] = SortedEntry.prefix(entry.key(), 8);
        sort.entry[inChunk] = heldCount;
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
            memory.gather = gather;
            SPARE.giveBack(memory);
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
        heldBuffer.clear().limit(capacity);
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
        int[] order = sorted(count).entry;
        // the chunk's entries are rewritten in their sorted order where they lay, while they are in the cache:
        // the merges then read each chunk front to back
        int regionStart = heldOffsets[from];
        int regionLength = heldBuffer.position() - regionStart;
        if (gather.length < regionLength) {
            gather = new byte[Math.max(regionLength, 2 * gather.length)];
        }
        for (int i = 0, at = 0; i < count; i++) {
            int offset = heldOffsets[order[i]];
            int size = KeyIndexFormat.sizeAt(held, offset);
            System.arraycopy(held, offset, gather, at, size);
            order[i] = regionStart + at; // read once: it now says where the ith entry went
            at += size;
        }
        System.arraycopy(gather, 0, held, regionStart, regionLength);
        System.arraycopy(order, 0, heldOffsets, from, count);
        if (chunks == chunkEnds.length) {
            chunkEnds = Arrays.copyOf(chunkEnds, 2 * chunks);
        }
        chunkEnds[chunks++] = heldCount;
        sortedUpTo = heldCount;
    }

    /** How long the runs are that an insertion sort puts in order before the merges. */
    private static final int RUN = 16;
    /** The bytes of a key's prefix the radix sort orders by. */
    private static final int PREFIX_BYTES = 16;

    /**
     * Sorts the first {@code count} of {@link #sort}; which of the two arrays holds the result. First by the keys'
     * first 16 bytes, a byte at a time from the last (a stable radix sort: nothing compared, so no branch to guess
     * wrong, and a byte all keys have alike is skipped); then each group of keys alike in those 16 bytes by the
     * whole entries ({@link #mergeSort}): with keys that share longer prefixes, as real ones often do, most of the
     * work is there.
     */
    private ChunkSort sorted(int count) {
        int[] counts = byteCounts(sort, count);
        ChunkSort source = sort;
        ChunkSort target = merged;
        int[] next = new int[256];
        for (int at = PREFIX_BYTES - 1; at >= 0; at--) {
            int base = at * 256;
            long[] keys = at < 8 ? source.first : source.second;
            int shift = 56 - 8 * (at % 8);
            if (counts[base + (int) ((keys[0] >>> shift) & 0xff)] == count) {
                continue;
            }
            for (int value = 0, place = 0; value < 256; value++) {
                next[value] = place;
                place += counts[base + value];
            }
            for (int i = 0; i < count; i++) {
                target.set(next[(int) ((keys[i] >>> shift) & 0xff)]++, source, i);
            }
            ChunkSort swap = source;
            source = target;
            target = swap;
        }
        for (int from = 0; from < count;) {
            int to = from + 1;
            while (to < count && source.first[to] == source.first[from] && source.second[to] == source.second[from]) {
                to++;
            }
            if (to - from > 1) {
                mergeSort(source, target, from, to);
            }
            from = to;
        }
        return source;
    }

    /** How many of the first {@code count} keys have each value at each of their first 16 bytes: [at * 256 + value]. */
    private static int[] byteCounts(ChunkSort keys, int count) {
        int[] counts = new int[PREFIX_BYTES * 256];
        for (int i = 0; i < count; i++) {
            long first = keys.first[i];
            long second = keys.second[i];
            for (int at = 0; at < 8; at++) {
                int shift = 56 - 8 * at;
                counts[at * 256 + (int) ((first >>> shift) & 0xff)]++;
                counts[(8 + at) * 256 + (int) ((second >>> shift) & 0xff)]++;
            }
        }
        return counts;
    }

    /**
     * Sorts [from, to) of {@code a} in place by the whole entries, {@code scratch} holding the merges' other half:
     * insertion sorts of {@value #RUN}, then merges of runs twice as long each pass, from one array to the other.
     */
    private void mergeSort(ChunkSort a, ChunkSort scratch, int from, int to) {
        for (int start = from; start < to; start += RUN) {
            insertionSort(a, start, Math.min(start + RUN, to));
        }
        ChunkSort source = a;
        ChunkSort target = scratch;
        for (int width = RUN; width < to - from; width *= 2) {
            for (int start = from; start < to; start += 2 * width) {
                merge(source, target, start, Math.min(start + width, to), Math.min(start + 2 * width, to));
            }
            ChunkSort swap = source;
            source = target;
            target = swap;
        }
        if (source != a) {
            copy(source, from, a, from, to - from);
        }
    }

    private void insertionSort(ChunkSort a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            long first = a.first[i];
            long second = a.second[i];
            int entry = a.entry[i];
            int j = i - 1;
            while (j >= from && compare(a.first[j], a.second[j], a.entry[j], first, second, entry) > 0) {
                a.set(j + 1, a, j);
                j--;
            }
            a.first[j + 1] = first;
            a.second[j + 1] = second;
            a.entry[j + 1] = entry;
        }
    }

    /**
     * Merges the sorted runs [from, middle) and [middle, to) of {@code source} into the same places of {@code target}.
     */
    private void merge(ChunkSort source, ChunkSort target, int from, int middle, int to) {
        if (middle == to || compare(source.first[middle - 1], source.second[middle - 1], source.entry[middle - 1],
                source.first[middle], source.second[middle], source.entry[middle]) <= 0) {
            copy(source, from, target, from, to - from); // already in order
            return;
        }
        int left = from;
        int right = middle;
        int out = from;
        while (left < middle && right < to) {
            if (compare(source.first[left], source.second[left], source.entry[left], source.first[right],
                    source.second[right], source.entry[right]) <= 0) {
                target.set(out++, source, left++);
            } else {
                target.set(out++, source, right++);
            }
        }
        int rest = middle - left;
        copy(source, left, target, out, rest);
        copy(source, right, target, out + rest, to - right);
    }

    private static void copy(ChunkSort source, int from, ChunkSort target, int to, int count) {
        System.arraycopy(source.first, from, target.first, to, count);
        System.arraycopy(source.second, from, target.second, to, count);
        System.arraycopy(source.entry, from, target.entry, to, count);
    }

    /** Two held entries in index order, by their keys' first 16 bytes, then the whole entries: key bytes, database. */
    private int compare(long firstA, long secondA, int entryA, long firstB, long secondB, int entryB) {
        int byPrefix = Long.compareUnsigned(firstA, firstB);
        if (byPrefix == 0) {
            byPrefix = Long.compareUnsigned(secondA, secondB);
        }
        if (byPrefix != 0) {
            return byPrefix;
        }
        return KeyIndexFormat.compareAt(held, heldOffsets[entryA], held, heldOffsets[entryB]);
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
