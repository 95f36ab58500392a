package io.redisbackup.backupstore.keyindex;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.redisbackup.backupstore.Crc32c;
import io.redisbackup.backupstore.Crc64;
import io.redisbackup.backupstore.RangeReads;

/**
 * One key's entry read straight from a stored RDB at the place its {@link IndexEntry} gives, checked against the
 * entry's CRC32C, and turned into the payload {@code DUMP} would have given for the key, which {@code RESTORE}
 * accepts: type byte, value bytes, the RDB version (2 bytes, little-endian) and the CRC64 of all that (8 bytes,
 * little-endian). The value is copied as stored, never decoded, so every encoding the target knows works.
 *
 * <p>An entry of more than {@link #HELD_AT_MOST} bytes is never held whole: it is checked by reading it through
 * ({@link #check}) and its payload written by reading it again, piece by piece ({@link #writePayload}), so that a
 * recovery's memory does not grow with the size of a key (a sorted set of gigabytes is one key).
 */
public final class RdbEntries {

    /** The largest entry read whole into memory; larger ones stream ({@link Large}). */
    public static final int HELD_AT_MOST = 8 << 20;
    /**
     * How much of a large entry is read at a time: what it holds of it at once; from object storage, 16 ranged GETs
     * of 256 KiB (a sealed file's reads take 16 frames each), side by side.
     */
    private static final int PIECE = 4 << 20;

    private RdbEntries() {
    }

    /**
     * An entry too large to hold, checked: its value's RDB type, and where its value starts (from the RDB's magic,
     * after the entry's prefixes, type byte and key).
     */
    public record Large(IndexEntry entry, int type, long valueStart) {
        /** The size of what {@code DUMP} gives for the key: type byte, value, RDB version, CRC64. */
        public int payloadLength() {
            return Math.toIntExact(1 + (entry.end() - valueStart) + 2 + 8);
        }
    }

    /** Whether the entry is too large to hold ({@link #HELD_AT_MOST}): it is checked and written by streaming. */
    public static boolean isLarge(IndexEntry entry) {
        return entry.length() > HELD_AT_MOST;
    }

    /**
     * Reads the entry through, holding none of it: it must be one key's record, of the length and CRC32C indexed
     * ({@link DamagedBackupException} otherwise).
     */
    public static Large check(SeekableByteChannel rdb, IndexEntry entry, int rdbVersion) throws IOException {
        range(rdb, entry);
        RdbScanner record = RdbScanner.overRecord(new Pieces(rdb, entry.start(), entry.end()), rdbVersion);
        try {
            if (!record.next() || record.kind() != RdbScanner.Kind.KEY || record.end() != entry.length()) {
                throw new DamagedBackupException("A key's entry in the backup is not one key's record");
            }
        } catch (EOFException e) {
            throw new DamagedBackupException("A key's entry in the backup ends too soon");
        }
        if (record.crc32c() != entry.crc32c()) {
            throw new DamagedBackupException("A key's data in the backup fails its checksum");
        }
        return new Large(entry, record.valueType(), entry.start() + record.valueStart());
    }

    /**
     * {@link #check}'s counterpart for a record met while reading the whole RDB (a scanner that did not hold it,
     * {@link RdbScanner#recordHeld}): where it lies, already checked as it streamed by.
     */
    public static Large of(RdbScanner record) {
        return new Large(record.entry(), record.valueType(), record.valueStart());
    }

    /**
     * Writes what {@code DUMP} gives for a large entry ({@link Large#payloadLength} bytes) into {@code out}, reading
     * the entry again piece by piece. Whether its bytes were still the ones indexed (their CRC32C): when they were
     * not, the CRC64 written is wrong on purpose, so that the server refuses the payload instead of loading it, and
     * the caller says so.
     */
    public static boolean writePayload(SeekableByteChannel rdb, Large large, int rdbVersion, OutputStream out)
            throws IOException {
        long[] crc = {0};
        boolean intact = writeValue(rdb, large, new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                crc[0] = Crc64.update(crc[0], bytes, offset, length);
                out.write(bytes, offset, length);
            }
        });
        byte[] version = {(byte) rdbVersion, (byte) (rdbVersion >>> 8)};
        out.write(version);
        long sum = Crc64.update(crc[0], version, 0, 2);
        if (!intact) {
            sum = ~sum;
        }
        byte[] trailer = new byte[8];
        putCrc64(trailer, 0, sum);
        out.write(trailer);
        return intact;
    }

    /**
     * Writes a large entry's type byte and value as stored (what {@code DUMP} gives, without its RDB version and
     * CRC64), reading the entry again piece by piece; whether its bytes were still the ones indexed (their CRC32C).
     */
    public static boolean writeValue(SeekableByteChannel rdb, Large large, OutputStream out) throws IOException {
        IndexEntry entry = large.entry();
        range(rdb, entry);
        CRC32C read = new CRC32C();
        out.write(new byte[] {(byte) large.type()});
        for (long at = entry.start(); at < entry.end(); at += PIECE) {
            int length = (int) Math.min(PIECE, entry.end() - at);
            byte[] piece = RangeReads.read(rdb, List.of(new RangeReads.Range(at, length))).get(0);
            read.update(piece, 0, length);
            int from = (int) Math.max(0, Math.min(length, large.valueStart() - at));
            out.write(piece, from, length - from);
        }
        return (int) read.getValue() == entry.crc32c();
    }

    /** An entry's bytes as a stream, read from the channel a piece at a time. */
    private static final class Pieces extends InputStream {
        private final SeekableByteChannel rdb;
        private final long end;
        private long next;
        private byte[] piece = new byte[0];
        private int at;

        Pieces(SeekableByteChannel rdb, long start, long end) {
            this.rdb = rdb;
            this.next = start;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (at == piece.length) {
                if (next == end) {
                    return -1;
                }
                int size = (int) Math.min(PIECE, end - next);
                piece = RangeReads.read(rdb, List.of(new RangeReads.Range(next, size))).get(0);
                next += size;
                at = 0;
            }
            int n = Math.min(length, piece.length - at);
            System.arraycopy(piece, at, bytes, offset, n);
            at += n;
            return n;
        }
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
        putCrc64(payload, length + 2, Crc64.update(0, payload, 0, length + 2));
        return payload;
    }

    /** A payload's CRC64 as it ends the payload: little-endian, into {@code bytes[at, at + 8)}. */
    private static void putCrc64(byte[] bytes, int at, long crc) {
        for (int i = 0; i < 8; i++) {
            bytes[at + i] = (byte) (crc >>> (8 * i));
        }
    }
}
