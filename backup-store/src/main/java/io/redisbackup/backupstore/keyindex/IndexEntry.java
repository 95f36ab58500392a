package io.redisbackup.backupstore.keyindex;

import java.util.Arrays;

/**
 * Where one key of a backup lies: its database, its name, the byte range {@code [start, end)} of its entry in the
 * RDB (from its expiry or eviction prefix, or its type byte, to the end of its value), its RDB type and its
 * absolute expiry in milliseconds (-1: none).
 */
public record IndexEntry(int db, byte[] key, long start, long end, int type, long expireAtMs) {

    /** Keys in unsigned byte order, then databases: the order of the index. */
    static int compare(byte[] keyA, int dbA, byte[] keyB, int dbB) {
        int byKey = Arrays.compareUnsigned(keyA, keyB);
        return byKey != 0 ? byKey : Integer.compare(dbA, dbB);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexEntry e && db == e.db && Arrays.equals(key, e.key) && start == e.start
                && end == e.end && type == e.type && expireAtMs == e.expireAtMs;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Long.hashCode(start);
    }

    @Override
    public String toString() {
        return "IndexEntry[db=" + db + ", key=" + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1)
                + ", [" + start + "," + end + "), type=" + type + ", expireAtMs=" + expireAtMs + "]";
    }
}
