package io.redisbackup.backupstore.keyindex;

/** One entry in its index form ({@link KeyIndexFormat}), where it lies in a buffer; moved along by its source. */
final class SortedEntry {
    byte[] buffer;
    int at;

    int keyLength() {
        return KeyIndexFormat.intAt(buffer, at + 4);
    }

    /** Index order: key bytes unsigned, then database. */
    int compareTo(SortedEntry other) {
        return KeyIndexFormat.compareAt(buffer, at, other.buffer, other.at);
    }

    /** Eight bytes of the key from {@code from}, big-endian, zero-padded: their unsigned order is the keys' order. */
    static long prefix(byte[] key, int from) {
        return prefix(key, from, key.length);
    }

    /** {@link #prefix(byte[], int)} of the key that ends at {@code end} of {@code bytes}. */
    static long prefix(byte[] bytes, int from, int end) {
        long prefix = 0;
        for (int i = from; i < from + 8; i++) {
            prefix = (prefix << 8) | (i < end ? bytes[i] & 0xff : 0);
        }
        return prefix;
    }

    /** A sorted source of entries: a run on disk, or a sorted chunk of the entries held in memory. */
    interface Source extends AutoCloseable {
        /** The next entry, valid until the next call; null at the end. */
        SortedEntry next() throws java.io.IOException;

        @Override
        void close() throws java.io.IOException;
    }
}
