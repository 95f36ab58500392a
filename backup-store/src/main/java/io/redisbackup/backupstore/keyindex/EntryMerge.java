package io.redisbackup.backupstore.keyindex;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entries of sorted sources, in index order: a heap of sources by their next entry. The first 16 key bytes of
 * each source's head are kept beside it ({@link SortedEntry#prefix}): most comparisons end there.
 */
final class EntryMerge implements AutoCloseable {
    private final List<SortedEntry.Source> sources = new ArrayList<>();
    private final SortedEntry[] heads;
    private final long[] headPrefixes;
    private final int[] heap;
    private int size;
    private int last = -1;

    EntryMerge(List<SortedEntry.Source> from) throws IOException {
        sources.addAll(from);
        heads = new SortedEntry[sources.size()];
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

    /** The next entry in index order, valid until the next call; null at the end. */
    SortedEntry next() throws IOException {
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
        SortedEntry head = sources.get(source).next();
        heads[source] = head;
        if (head != null) {
            int keyAt = head.at + 8;
            int keyEnd = keyAt + head.keyLength();
            headPrefixes[2 * source] = SortedEntry.prefix(head.buffer, keyAt, keyEnd);
            headPrefixes[2 * source + 1] = SortedEntry.prefix(head.buffer, keyAt + 8, keyEnd);
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
        for (SortedEntry.Source source : sources) {
            source.close();
        }
    }

    /** A run file, read in large pieces; an entry is always whole in the buffer. */
    static final class RunSource implements SortedEntry.Source {
        private final InputStream in;
        private final SortedEntry cursor = new SortedEntry();
        private byte[] buffer = new byte[256 << 10];
        private int position;
        private int limit;

        RunSource(Path run) throws IOException {
            in = Files.newInputStream(run);
            cursor.buffer = buffer;
        }

        @Override
        public SortedEntry next() throws IOException {
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
                buffer = Arrays.copyOf(buffer, bytes);
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
}
