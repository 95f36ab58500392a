package io.redisbackup.backupworker.snapshot;

import java.util.Map;

/**
 * A snapshot as stored: the RDB's size and SHA-256, its CRC64 as the server wrote it, the key index's size and
 * SHA-256, and how many keys each database holds.
 */
public record Snapshot(String redisVersion, int rdbVersion, long rdbBytes, String rdbSha256, String rdbCrc64,
        long indexBytes, String indexSha256, long keyCount, Map<Integer, Long> keysPerDatabase) {
}
