package io.redisbackup.backupstore.keyindex;

import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The key index file, format 4, big-endian:
 * <ul>
 * <li>a header: {@code "RBKI"}, u16 format, u16 RDB version;</li>
 * <li>the entries sorted by key (unsigned bytes) then database, in blocks of {@value #BLOCK}, each entry its key's
 * leading bytes shared with the entry before it in its block (0 for a block's first), then the rest:
 * {@code varint shared, varint restLength, rest, varint db, varint start, varint length, u8 type,
 * varint zigzag(expireAtMs), u32 crc32c} (varints unsigned, seven bits a byte, low bits first; the CRC32C of the
 * entry's bytes in the RDB). Sorted keys share most of their bytes: an entry of the benchmark's takes 17 bytes
 * instead of format 3's 49, a third of the bytes to checksum, seal and write after the snapshot's last byte;</li>
 * <li>a sparse index, one line per block: {@code u32 keyLength, key (the block's first), u64 offset,
 * u32 blockLength, u32 blockCrc32c};</li>
 * <li>a footer: {@code u64 sparseOffset, u32 sparseCount, u64 entryCount, u32 sparseCrc32c, "RBKX"}.</li>
 * </ul>
 * Format 3, which backups taken before format 4 have, differs only in its entries: {@code u32 db, u32 keyLength,
 * key, u64 start, u64 end, u8 type, i64 expireAtMs, u32 crc32c}. That is also the form entries take while they are
 * sorted (in memory and in runs on disk, {@link EntrySorter}): fixed places make comparing them cheap.
 * <p>
 * Finding a key reads the footer and the sparse index once, then one block (rarely two) whatever the size of the
 * backup; every byte read is checked against a CRC before it is believed.
 */
final class KeyIndexFormat {

    static final byte[] MAGIC = { 'R', 'B', 'K', 'I' };
    static final byte[] FOOTER_MAGIC = { 'R', 'B', 'K', 'X' };
    /** The format written. */
    static final int FORMAT = 4;
    /** The format of the entries' sorting form, still read where older backups have it. */
    static final int FIXED_FORMAT = 3;
    static final int HEADER_BYTES = 8;
    static final int FOOTER_BYTES = 8 + 4 + 8 + 4 + 4;
    static final int BLOCK = 128;
    /** No key in Redis is longer. */
    static final int MAX_KEY_BYTES = 512 << 20;

    private KeyIndexFormat() {
    }

    static long write(DataOutput out, IndexEntry e) throws IOException {
        out.writeInt(e.db());
        out.writeInt(e.key().length);
        out.write(e.key());
        out.writeLong(e.start());
        out.writeLong(e.end());
        out.writeByte(e.type());
        out.writeLong(e.expireAtMs());
        out.writeInt(e.crc32c());
        return size(e);
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Whether this reader knows the format. */
    static boolean readable(int format) {
        return format == FORMAT || format == FIXED_FORMAT;
    }

    /** The u32 at {@code at} of {@code bytes}. */
    static int intAt(byte[] bytes, int at) {
        return (int) INT.get(bytes, at);
    }

    /** The size of the entry written at {@code at} of {@code bytes}. */
    static int sizeAt(byte[] bytes, int at) {
        return size(intAt(bytes, at + 4));
    }

    /** The index order of the entries written at {@code atA} of {@code a} and {@code atB} of {@code b}: key, then db. */
    static int compareAt(byte[] a, int atA, byte[] b, int atB) {
        int byKey = Arrays.compareUnsigned(a, atA + 8, atA + 8 + intAt(a, atA + 4), b, atB + 8, atB + 8 + intAt(b, atB + 4));
        return byKey != 0 ? byKey : Integer.compare(intAt(a, atA), intAt(b, atB));
    }

    /** The bytes of an entry with a key of {@code keyLength} bytes. */
    static int size(int keyLength) {
        return 4 + 4 + keyLength + 8 + 8 + 1 + 8 + 4;
    }

    static int size(IndexEntry e) {
        return size(e.key().length);
    }

    static void write(ByteBuffer out, IndexEntry e) {
        out.putInt(e.db());
        out.putInt(e.key().length);
        out.put(e.key());
        out.putLong(e.start());
        out.putLong(e.end());
        out.put((byte) e.type());
        out.putLong(e.expireAtMs());
        out.putInt(e.crc32c());
    }

    static int keyLength(int length) throws IOException {
        if (length < 0 || length > MAX_KEY_BYTES) {
            throw new DamagedBackupException("Not a key index entry: key length " + length);
        }
        return length;
    }

    /** The most bytes {@link #encode} writes for an entry with a key of {@code keyLength} bytes. */
    static int maxEncodedSize(int keyLength) {
        return 5 + 5 + keyLength + 5 + 10 + 10 + 1 + 10 + 4;
    }

    /**
     * Writes the entry at {@code at} of {@code entry} (its sorting form) in its block form into {@code out} from
     * {@code outAt}, the first {@code shared} bytes of its key left to the entry before it; where it ends.
     */
    static int encode(byte[] entry, int at, int shared, byte[] out, int outAt) {
        int keyLength = intAt(entry, at + 4);
        int keyAt = at + 8;
        int fields = keyAt + keyLength;
        long start = (long) LONG.get(entry, fields);
        long end = (long) LONG.get(entry, fields + 8);
        long expireAtMs = (long) LONG.get(entry, fields + 17);
        int to = varint(out, outAt, shared);
        to = varint(out, to, keyLength - shared);
        System.arraycopy(entry, keyAt + shared, out, to, keyLength - shared);
        to += keyLength - shared;
        to = varint(out, to, intAt(entry, at) & 0xffffffffL);
        to = varint(out, to, start);
        to = varint(out, to, end - start);
        out[to++] = entry[fields + 16];
        to = varint(out, to, (expireAtMs << 1) ^ (expireAtMs >> 63));
        INT.set(out, to, intAt(entry, fields + 25));
        return to + 4;
    }

    private static int varint(byte[] out, int at, long value) {
        while ((value & ~0x7fL) != 0) {
            out[at++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        out[at++] = (byte) value;
        return at;
    }

    /**
     * The entries of one block, in order, in either format the reader knows. Each is checked against the block's
     * end and the format's bounds as it is read: a block that passed its CRC but holds nonsense is damage, never an
     * entry out of thin air nor an exception of another kind.
     */
    static final class BlockEntries {
        private final int format;
        private final byte[] bytes;
        private final int end;
        private final int block;
        private int at;
        /** The current key: in {@link #bytes} (format 3), or put together in {@link #key} (format 4). */
        private byte[] keyBytes;
        private int keyOffset;
        private int keyLength;
        private byte[] key = new byte[64];
        private int db;
        private long start;
        private long length;
        private int type;
        private long expireAtMs;
        private int crc32c;

        /** The entries of block number {@code block}, {@code bytes[from, to)}. */
        BlockEntries(int format, byte[] bytes, int from, int to, int block) {
            this.format = format;
            this.bytes = bytes;
            this.at = from;
            this.end = to;
            this.block = block;
        }

        /** Moves to the next entry; false at the block's end. */
        boolean next() throws DamagedBackupException {
            if (at == end) {
                return false;
            }
            if (format == FIXED_FORMAT) {
                nextFixed();
            } else {
                nextShared();
            }
            return true;
        }

        private void nextFixed() throws DamagedBackupException {
            if (end - at < 8) {
                throw damaged("ends inside an entry");
            }
            int length = intAt(bytes, at + 4);
            if (length < 0 || length > end - at - size(0)) {
                throw damaged("ends inside an entry");
            }
            db = intAt(bytes, at);
            keyBytes = bytes;
            keyOffset = at + 8;
            keyLength = length;
            int fields = keyOffset + length;
            start = (long) LONG.get(bytes, fields);
            this.length = (long) LONG.get(bytes, fields + 8) - start;
            type = bytes[fields + 16] & 0xff;
            expireAtMs = (long) LONG.get(bytes, fields + 17);
            crc32c = intAt(bytes, fields + 25);
            at = fields + 29;
        }

        private void nextShared() throws DamagedBackupException {
            long shared = readVarint();
            long rest = readVarint();
            // read as unsigned: a number past 2^63 is negative here, and no key is that long
            if (shared < 0 || rest < 0 || shared > (keyBytes == null ? 0 : keyLength) || rest > end - at
                    || shared + rest > MAX_KEY_BYTES) {
                throw damaged("holds an entry whose key cannot be");
            }
            int length = (int) (shared + rest);
            if (key.length < length) {
                key = Arrays.copyOf(key, Math.max(length, 2 * key.length));
            }
            System.arraycopy(bytes, at, key, (int) shared, (int) rest);
            at += (int) rest;
            keyBytes = key;
            keyOffset = 0;
            keyLength = length;
            long database = readVarint();
            if (database < 0 || database > 0xffffffffL) {
                throw damaged("holds an entry of no database");
            }
            db = (int) database;
            start = readVarint();
            this.length = readVarint();
            if (end - at < 1) {
                throw damaged("ends inside an entry");
            }
            type = bytes[at++] & 0xff;
            long zigzag = readVarint();
            expireAtMs = (zigzag >>> 1) ^ -(zigzag & 1);
            if (end - at < 4) {
                throw damaged("ends inside an entry");
            }
            crc32c = intAt(bytes, at);
            at += 4;
        }

        private long readVarint() throws DamagedBackupException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at == end) {
                    throw damaged("ends inside an entry");
                }
                byte b = bytes[at++];
                if (shift == 63 && (b & 0x7e) != 0) {
                    break; // bits past the 64th
                }
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw damaged("holds a number longer than 64 bits");
        }

        private DamagedBackupException damaged(String what) {
            return new DamagedBackupException("The key index is damaged: block " + block + " " + what);
        }

        /** The current key: {@link #keyLength} bytes of {@link #keyBytes} from {@link #keyOffset}. */
        byte[] keyBytes() {
            return keyBytes;
        }

        int keyOffset() {
            return keyOffset;
        }

        int keyLength() {
            return keyLength;
        }

        /** The current entry, its key copied. */
        IndexEntry entry() {
            return new IndexEntry(db, Arrays.copyOfRange(keyBytes, keyOffset, keyOffset + keyLength), start,
                    start + length, type, expireAtMs, crc32c);
        }
    }
}
