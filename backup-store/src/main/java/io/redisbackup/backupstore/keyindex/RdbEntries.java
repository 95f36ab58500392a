package io.redisbackup.backupstore.keyindex;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

import io.redisbackup.backupstore.Crc32c;
import io.redisbackup.backupstore.Crc64;
import io.redisbackup.backupstore.RangeReads;

/**
 * One key's entry read straight from a stored RDB at the place its {@link IndexEntry} gives, checked against the
 * entry's CRC32C, and turned into the payload {@code DUMP} would have given for the key, which {@code RESTORE}
 * accepts: type byte, value bytes, the RDB version (2 bytes, little-endian) and the CRC64 of all that (8 bytes,
 * little-endian). The value is copied as stored, never decoded, so every encoding the target knows works.
 */
public final class RdbEntries {

    private RdbEntries() {
    }

    /** The entry's bytes; {@link DamagedBackupException} when they are not the bytes indexed. */
    public static byte[] read(SeekableByteChannel rdb, IndexEntry entry) throws IOException {
        RangeReads.Range range = range(rdb, entry);
        return checked(entry, Channels.read(rdb, range.position(), range.length()).array());
    }

    /** The bytes of each entry, read all at once where the store can ({@link RangeReads}), each checked. */
    public static List<byte[]> readAll(SeekableByteChannel rdb, List<IndexEntry> entries) throws IOException {
        List<RangeReads.Range> ranges = new ArrayList<>(entries.size());
        for (IndexEntry entry : entries) {
            ranges.add(range(rdb, entry));
        }
        List<byte[]> read = RangeReads.read(rdb, ranges);
        for (int i = 0; i < entries.size(); i++) {
            checked(entries.get(i), read.get(i));
        }
        return read;
    }

    private static RangeReads.Range range(SeekableByteChannel rdb, IndexEntry entry) throws IOException {
        if (entry.start() < 0 || entry.end() <= entry.start() || entry.end() > rdb.size()
                || entry.length() > Integer.MAX_VALUE - 16) {
            throw new DamagedBackupException("The index places a key at [" + entry.start() + ", " + entry.end()
                    + ") of an RDB of " + rdb.size() + " bytes");
        }
        return new RangeReads.Range(entry.start(), (int) entry.length());
    }

    private static byte[] checked(IndexEntry entry, byte[] bytes) throws DamagedBackupException {
        if (Crc32c.of(bytes) != entry.crc32c()) {
            throw new DamagedBackupException("A key's data in the backup fails its checksum");
        }
        return bytes;
    }

    /**
     * What {@code DUMP} gives for the key whose RDB entry is {@code entry} (its prefixes, type byte, key and value),
     * for a file of {@code rdbVersion}.
     */
    public static byte[] dumpPayload(byte[] entry, int rdbVersion) throws DamagedBackupException {
        RdbScanner record = RdbScanner.overRecord(entry, rdbVersion);
        try {
            if (!record.next() || record.kind() != RdbScanner.Kind.KEY || record.recordLength() != entry.length) {
                throw new DamagedBackupException("A key's entry in the backup is not one key's record");
            }
        } catch (DamagedBackupException e) {
            throw e;
        } catch (IOException e) {
            throw new DamagedBackupException("A key's entry in the backup ends too soon");
        }
        // type byte, then the value: the key between them is left out
        return dumpPayload(record.valueType(), record.recordBuffer(), record.valueOffset(), record.valueLength(),
                rdbVersion);
    }

    /** What {@code DUMP} gives for a value of RDB type {@code type} stored as {@code value[from, from + length)}. */
    public static byte[] dumpPayload(int type, byte[] value, int from, int length, int rdbVersion) {
        byte[] payload = new byte[1 + length + 2 + 8];
        payload[0] = (byte) type;
        System.arraycopy(value, from, payload, 1, length);
        return sealed(payload, 1 + length, rdbVersion);
    }

    /**
     * What {@code FUNCTION DUMP} gives for the function library whose RDB record is {@code record[from, from +
     * length)}.
     */
    public static byte[] functionPayload(byte[] record, int from, int length, int rdbVersion) {
        return withVersionAndCrc(record, from, length, rdbVersion);
    }

    /** {@code bytes[from, from + length)}, then the RDB version and the CRC64 of it all. */
    private static byte[] withVersionAndCrc(byte[] bytes, int from, int length, int rdbVersion) {
        byte[] payload = new byte[length + 2 + 8];
        System.arraycopy(bytes, from, payload, 0, length);
        return sealed(payload, length, rdbVersion);
    }

    /** Writes the RDB version (2 bytes) and the CRC64 (8 bytes), little-endian, after {@code payload[0, length)}. */
    private static byte[] sealed(byte[] payload, int length, int rdbVersion) {
        payload[length] = (byte) rdbVersion;
        payload[length + 1] = (byte) (rdbVersion >>> 8);
        long crc = Crc64.update(0, payload, 0, length + 2);
        for (int i = 0; i < 8; i++) {
            payload[length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return payload;
    }
}
