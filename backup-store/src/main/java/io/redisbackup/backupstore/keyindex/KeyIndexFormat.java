package io.redisbackup.backupstore.keyindex;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The key index file, format 3, big-endian:
 * <ul>
 * <li>a header: {@code "RBKI"}, u16 format, u16 RDB version;</li>
 * <li>the entries sorted by key (unsigned bytes) then database, in blocks of {@value #BLOCK}, each entry
 * {@code u32 db, u32 keyLength, key, u64 start, u64 end, u8 type, i64 expireAtMs, u32 crc32c} (the CRC32C of
 * the entry's bytes in the RDB);</li>
 * <li>a sparse index, one line per block: {@code u32 keyLength, key (the block's first), u64 offset,
 * u32 blockLength, u32 blockCrc32c};</li>
 * <li>a footer: {@code u64 sparseOffset, u32 sparseCount, u64 entryCount, u32 sparseCrc32c, "RBKX"}.</li>
 * </ul>
 * Finding a key reads the footer and the sparse index once, then one block (rarely two) whatever the size of the
 * backup; every byte read is checked against a CRC before it is believed.
 */
final class KeyIndexFormat {

    static final byte[] MAGIC = { 'R', 'B', 'K', 'I' };
    static final byte[] FOOTER_MAGIC = { 'R', 'B', 'K', 'X' };
    static final int FORMAT = 3;
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

    static IndexEntry read(DataInput in) throws IOException {
        int db = in.readInt();
        byte[] key = new byte[keyLength(in.readInt())];
        in.readFully(key);
        return new IndexEntry(db, key, in.readLong(), in.readLong(), in.readUnsignedByte(), in.readLong(), in.readInt());
    }

    static int keyLength(int length) throws IOException {
        if (length < 0 || length > MAX_KEY_BYTES) {
            throw new DamagedBackupException("Not a key index entry: key length " + length);
        }
        return length;
    }
}
