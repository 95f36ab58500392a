package io.redisbackup.backupworker.snapshot;

import java.util.Map;

/**
 * A snapshot as stored: the RDB's size, SHA-256 and CRC32C, its CRC64 as the server wrote it, the key index's size,
 * SHA-256 and CRC32C, and how many keys each database holds.
 */
public record Snapshot(String redisVersion, int rdbVersion, long rdbBytes, String rdbSha256, String rdbCrc32c,
        String rdbCrc64, long indexBytes, String indexSha256, String indexCrc32c, long keyCount,
        Map<Integer, Long> keysPerDatabase) {
}
