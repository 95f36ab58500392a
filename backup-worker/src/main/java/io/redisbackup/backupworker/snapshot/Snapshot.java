package io.redisbackup.backupworker.snapshot;

import java.util.Map;

/**
 * A snapshot as stored: the RDB's size, SHA-256 and CRC32C, its CRC64 as the server wrote it, the key index's size,
 * SHA-256 and CRC32C, how many keys each database holds, and the memory the dataset took in the server (null when
 * it did not say).
 */
public record Snapshot(String redisVersion, int rdbVersion, long rdbBytes, String rdbSha256, String rdbCrc32c,
        String rdbCrc64, long indexBytes, String indexSha256, String indexCrc32c, long keyCount,
        Map<Integer, Long> keysPerDatabase, Long datasetMemoryBytes) {

    Snapshot withDatasetMemory(Long bytes) {
        return new Snapshot(redisVersion, rdbVersion, rdbBytes, rdbSha256, rdbCrc32c, rdbCrc64, indexBytes,
                indexSha256, indexCrc32c, keyCount, keysPerDatabase, bytes);
    }
}
