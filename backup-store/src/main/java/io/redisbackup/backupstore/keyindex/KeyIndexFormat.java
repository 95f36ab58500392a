package io.redisbackup.backupstore.keyindex;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The key index file, format 2, big-endian: a header ({@code "RBKI"}, u16 format, u16 RDB version); the entries
 * sorted by key (unsigned bytes) then database, each {@code u32 db, u32 keyLength, key, u64 start, u64 end, u8 type,
 * i64 expireAtMs}; a sparse index of every {@value #BLOCK}th entry ({@code u32 keyLength, key, u64 offset}); and a
 * footer ({@code u64 sparseOffset, u32 sparseCount, u64 entryCount, "RBKX"}). Finding a key reads the footer and
 * the sparse index once, then at most one block of entries, whatever the size of the backup.
 */
final class KeyIndexFormat {

    static final byte[] MAGIC = { 'R', 'B', 'K', 'I' };
    static final byte[] FOOTER_MAGIC = { 'R', 'B', 'K', 'X' };
    static final int FORMAT = 2;
    static final int HEADER_BYTES = 8;
    static final int FOOTER_BYTES = 8 + 4 + 8 + 4;
    static final int BLOCK = 128;

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
        return 4 + 4 + e.key().length + 8 + 8 + 1 + 8;
    }

    static IndexEntry read(DataInput in) throws IOException {
        int db = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > 512 << 20) {
            throw new IOException("Not a key index entry: key length " + length);
        }
        byte[] key = new byte[length];
        in.readFully(key);
        return new IndexEntry(db, key, in.readLong(), in.readLong(), in.readUnsignedByte(), in.readLong());
    }
}
