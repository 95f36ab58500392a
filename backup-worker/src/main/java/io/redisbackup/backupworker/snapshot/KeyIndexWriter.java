package io.redisbackup.backupworker.snapshot;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the key index of a backup as the keys stream by, in RDB order: for each key its database, name, the
 * byte range of its entry in the RDB, its RDB type and its expiry. Format 1, big-endian:
 * {@code "RBKI" u16 format u16 rdbVersion}, then per key {@code u32 db, u32 keyLength, key, u64 start, u64 end,
 * u8 type, i64 expireAtMs (-1: none)}.
 */
final class KeyIndexWriter {

    static final byte[] MAGIC = { 'R', 'B', 'K', 'I' };
    static final int FORMAT = 1;
    private static final int HEADER_BYTES = 8;
    private static final int ENTRY_FIXED_BYTES = 4 + 4 + 8 + 8 + 1 + 8;

    private final DataOutputStream out;
    private final MessageDigest sha256;
    private final Map<Integer, Long> keysPerDatabase = new TreeMap<>();
    private long keys;
    private long bytes;
    private boolean headerWritten;

    KeyIndexWriter(OutputStream target) {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.out = new DataOutputStream(new DigestOutputStream(target, sha256));
    }

    void add(int rdbVersion, int db, byte[] key, long start, long end, int type, long expireAtMs) throws IOException {
        writeHeaderOnce(rdbVersion);
        out.writeInt(db);
        out.writeInt(key.length);
        out.write(key);
        out.writeLong(start);
        out.writeLong(end);
        out.writeByte(type);
        out.writeLong(expireAtMs);
        bytes += ENTRY_FIXED_BYTES + key.length;
        keys++;
        keysPerDatabase.merge(db, 1L, Long::sum);
    }

    /** Ends the index; an instance without keys still gets a header. */
    void finish(int rdbVersion) throws IOException {
        writeHeaderOnce(rdbVersion);
        out.flush();
    }

    private void writeHeaderOnce(int rdbVersion) throws IOException {
        if (!headerWritten) {
            out.write(MAGIC);
            out.writeShort(FORMAT);
            out.writeShort(rdbVersion);
            bytes += HEADER_BYTES;
            headerWritten = true;
        }
    }

    long keys() {
        return keys;
    }

    long bytes() {
        return bytes;
    }

    Map<Integer, Long> keysPerDatabase() {
        return keysPerDatabase;
    }

    String sha256() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
