package io.redisbackup.backupstore.keyindex;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

import io.redisbackup.backupstore.Crc32c;
import io.redisbackup.backupstore.Sha256;
import io.redisbackup.backupstore.WriteBehind;

/**
 * Builds a backup's key index ({@link KeyIndexFormat}) from entries that come in RDB order, with bounded memory:
 * an {@link EntrySorter} puts them in index order (in memory, and in sorted runs on disk past {@code runBytes}),
 * and {@link #finish} writes the merged entries in blocks, with the sparse index and footer after them.
 */
public final class KeyIndexWriter implements AutoCloseable {

    private final EntrySorter sorter;
    private final Map<Integer, Long> keysPerDatabase = new TreeMap<>();
    /** Keys arrive a database at a time: they are counted here and go to the map when the database changes. */
    private int countingDb = -1;
    private long countedInDb;
    private long keys;
    private long bytes;
    private String sha256;
    private String crc32c;

    /** @param runBytes how much entry data to hold in memory before a sorted run goes to disk */
    public KeyIndexWriter(long runBytes) {
        this(runBytes, EntrySorter.CHUNK);
    }

    /** @param chunk how many held entries to sort at a time */
    KeyIndexWriter(long runBytes, int chunk) {
        this.sorter = new EntrySorter(runBytes, chunk);
    }

    public void add(IndexEntry entry) throws IOException {
        keys++;
        if (entry.db() != countingDb) {
            countDatabase();
            countingDb = entry.db();
        }
        countedInDb++;
        sorter.add(entry);
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
        try (EntryMerge merge = sorter.merged()) {
            for (SortedEntry entry = merge.next(); entry != null; entry = merge.next()) {
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
        out.writeInt(Crc32c.of(sparse.toByteArray()));
        out.write(KeyIndexFormat.FOOTER_MAGIC);
        return offset + KeyIndexFormat.FOOTER_BYTES;
    }

    /**
     * The entries of one block in their block form ({@link KeyIndexFormat#encode}), each key after the first sharing
     * its leading bytes with the key before it; and the block's first key, whole.
     */
    private static final class Block {
        private byte[] bytes = new byte[64 << 10];
        private int length;
        private int entries;
        private byte[] firstKey;
        private byte[] previousKey = new byte[64];
        private int previousLength;

        void add(SortedEntry entry) {
            int keyLength = entry.keyLength();
            int keyAt = entry.at + 8;
            int room = KeyIndexFormat.maxEncodedSize(keyLength);
            if (length + room > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + room));
            }
            int shared = 0;
            if (entries == 0) {
                firstKey = Arrays.copyOfRange(entry.buffer, keyAt, keyAt + keyLength);
            } else {
                int mismatch = Arrays.mismatch(previousKey, 0, previousLength, entry.buffer, keyAt, keyAt + keyLength);
                shared = mismatch < 0 ? keyLength : mismatch;
            }
            length = KeyIndexFormat.encode(entry.buffer, entry.at, shared, bytes, length);
            if (previousKey.length < keyLength) {
                previousKey = Arrays.copyOf(previousKey, Math.max(keyLength, 2 * previousKey.length));
            }
            System.arraycopy(entry.buffer, keyAt + shared, previousKey, shared, keyLength - shared);
            previousLength = keyLength;
            entries++;
        }

        /** Writes the block and its line of the sparse index; the block's length. */
        long end(OutputStream out, long offset, DataOutputStream sparse) throws IOException {
            out.write(bytes, 0, length);
            sparse.writeInt(firstKey.length);
            sparse.write(firstKey);
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
        return sorter.runs();
    }

    @Override
    public void close() throws IOException {
        sorter.close();
    }
}
