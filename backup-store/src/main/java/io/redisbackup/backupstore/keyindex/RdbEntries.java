package io.redisbackup.backupstore.keyindex;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.CRC32C;

import io.redisbackup.backupstore.Crc64;

/**
 * One key's entry read straight from a stored RDB at the place its {@link IndexEntry} gives, checked against the
 * entry's CRC32C, and turned into the payload {@code DUMP} would have given for the key, which {@code RESTORE}
 * accepts: type byte, value bytes, the RDB version (2 bytes, little-endian) and the CRC64 of all that (8 bytes,
 * little-endian). The value is copied as stored, never decoded, so every encoding the target knows works.
 */
public final class RdbEntries {

    private static final int EXPIRETIME_MS = 0xFC;
    private static final int EXPIRETIME = 0xFD;
    private static final int IDLE = 0xF8;
    private static final int FREQ = 0xF9;
    private static final int ENC_LZF = 3;

    private RdbEntries() {
    }

    /** The entry's bytes; {@link DamagedBackupException} when they are not the bytes indexed. */
    public static byte[] read(SeekableByteChannel rdb, IndexEntry entry) throws IOException {
        if (entry.start() < 0 || entry.end() <= entry.start() || entry.end() > rdb.size()
                || entry.length() > Integer.MAX_VALUE - 16) {
            throw new DamagedBackupException("The index places a key at [" + entry.start() + ", " + entry.end()
                    + ") of an RDB of " + rdb.size() + " bytes");
        }
        byte[] bytes = KeyIndexReader.read(rdb, entry.start(), (int) entry.length()).array();
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        if ((int) crc.getValue() != entry.crc32c()) {
            throw new DamagedBackupException("A key's data in the backup fails its checksum");
        }
        return bytes;
    }

    /**
     * What {@code DUMP} gives for the key whose RDB entry is {@code entry} (its prefixes, type byte, key and value),
     * for a file of {@code rdbVersion}.
     */
    public static byte[] dumpPayload(byte[] entry, int rdbVersion) throws DamagedBackupException {
        try {
            int p = 0;
            for (;;) {
                if (p >= entry.length) {
                    throw new DamagedBackupException("A key's entry in the backup ends too soon");
                }
                int opcode = entry[p] & 0xff;
                if (opcode == EXPIRETIME_MS) {
                    p += 9;
                } else if (opcode == EXPIRETIME) {
                    p += 5;
                } else if (opcode == FREQ) {
                    p += 2;
                } else if (opcode == IDLE) {
                    p = afterLength(entry, p + 1);
                } else {
                    break;
                }
            }
            int typeAt = p;
            int valueAt = afterString(entry, typeAt + 1);
            int valueLength = entry.length - valueAt;
            if (valueLength <= 0 || valueAt <= typeAt) {
                throw new DamagedBackupException("A key's entry in the backup has no value");
            }
            // type byte, then the value: the key between them is left out
            return dumpPayload(entry[typeAt] & 0xff, entry, valueAt, valueLength, rdbVersion);
        } catch (ArrayIndexOutOfBoundsException | ArithmeticException e) {
            throw new DamagedBackupException("A key's entry in the backup ends too soon");
        }
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

    /** The position after the RDB length encoded at {@code p}. */
    private static int afterLength(byte[] e, int p) throws DamagedBackupException {
        int first = e[p] & 0xff;
        switch (first >>> 6) {
            case 0:
                return p + 1;
            case 1:
                return p + 2;
            case 2:
                if (first == 0x80) {
                    return p + 5;
                }
                if (first == 0x81) {
                    return p + 9;
                }
                throw new DamagedBackupException("Unknown length encoding " + first + " in a key's entry");
            default:
                throw new DamagedBackupException("A special encoding where a length belongs in a key's entry");
        }
    }

    /** The length encoded at {@code p}, which is not a special encoding. */
    private static long length(byte[] e, int p) throws DamagedBackupException {
        int first = e[p] & 0xff;
        switch (first >>> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return ((first & 0x3f) << 8) | (e[p + 1] & 0xff);
            case 2:
                long value = 0;
                int bytes = first == 0x80 ? 4 : 8;
                if (first != 0x80 && first != 0x81) {
                    throw new DamagedBackupException("Unknown length encoding " + first + " in a key's entry");
                }
                for (int i = 1; i <= bytes; i++) {
                    value = (value << 8) | (e[p + i] & 0xff);
                }
                return value;
            default:
                throw new DamagedBackupException("A special encoding where a length belongs in a key's entry");
        }
    }

    /** The position after the RDB string at {@code p}: plain, an integer, or LZF-compressed. */
    private static int afterString(byte[] e, int p) throws DamagedBackupException {
        int first = e[p] & 0xff;
        if (first >>> 6 != 3) {
            return Math.toIntExact(afterLength(e, p) + length(e, p));
        }
        int encoding = first & 0x3f;
        if (encoding == 0) {
            return p + 2;
        } else if (encoding == 1) {
            return p + 3;
        } else if (encoding == 2) {
            return p + 5;
        } else if (encoding == ENC_LZF) {
            int compressedAt = afterLength(e, p + 1);
            long compressed = length(e, p + 1);
            int afterUncompressedLength = afterLength(e, compressedAt);
            return Math.toIntExact(afterUncompressedLength + compressed);
        }
        throw new DamagedBackupException("Unknown string encoding " + encoding + " in a key's entry");
    }
}
