package io.redisbackup.backupstore.keyindex;

import java.util.Arrays;

/**
 * Where one key of a backup lies: its database, its name, the byte range {@code [start, end)} of its entry in the
 * RDB (from its expiry or eviction prefix, or its type byte, to the end of its value), its RDB type, its absolute
 * expiry in milliseconds (-1: none) and the CRC32C of the entry's bytes, so that a recovery of this key alone can
 * tell whether they are still the bytes the server sent.
 */
public record IndexEntry(int db, byte[] key, long start, long end, int type, long expireAtMs, int crc32c) {

    /** The length of the entry in the RDB. */
    public long length() {
        return end - start;
    }

    /** Whether the key's expiry has passed at {@code nowMs}. */
    public boolean expiredAt(long nowMs) {
        return expireAtMs >= 0 && expireAtMs <= nowMs;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexEntry e && db == e.db && Arrays.equals(key, e.key) && start == e.start
                && end == e.end && type == e.type && expireAtMs == e.expireAtMs && crc32c == e.crc32c;
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
