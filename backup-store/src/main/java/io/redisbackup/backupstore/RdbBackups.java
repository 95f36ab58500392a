package io.redisbackup.backupstore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

import io.redisbackup.backupstore.keyindex.KeyIndexWriter;
import io.redisbackup.backupstore.keyindex.RdbScanner;

/**
 * A backup of one server made from an RDB already in memory, with its key index, staged and published as the backup
 * worker publishes one: what a restore worker's warm-up reads, and what tests store.
 */
public final class RdbBackups {

    private RdbBackups() {
    }

    /**
     * Stores {@code rdb} as backup {@code backup} of {@code instance}; its manifest (which names Redis 7.0.15, the
     * version the tests' servers run, and no CRC64) as published.
     *
     * @param rdbVersion the RDB version the manifest names
     * @param withCrc32c false: a manifest as written before the CRC32C of each file was recorded
     */
    public static Manifest store(BackupStore store, UUID instance, UUID backup, byte[] rdb, int rdbVersion,
            boolean withCrc32c) throws IOException {
        ByteArrayOutputStream indexOut = new ByteArrayOutputStream();
        long keys;
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20)) {
            writer.finish(RdbScanner.indexFile(new ByteArrayInputStream(rdb), writer), indexOut);
            keys = writer.keys();
        }
        byte[] index = indexOut.toByteArray();
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, instance, backup, Instant.now(), Instant.now(),
                "7.0.15", rdbVersion, "0", keys, Map.of(), List.of(
                        new Manifest.FileEntry(BackupStore.RDB, rdb.length, sha256(rdb),
                                withCrc32c ? crc32c(rdb) : null),
                        new Manifest.FileEntry(BackupStore.KEY_INDEX, index.length, sha256(index),
                                withCrc32c ? crc32c(index) : null)));
        try (StagedBackup staged = store.stage(instance, backup)) {
            try (OutputStream out = staged.create(BackupStore.RDB)) {
                out.write(rdb);
            }
            try (OutputStream out = staged.create(BackupStore.KEY_INDEX)) {
                out.write(index);
            }
            staged.publish(manifest);
        }
        return store.manifest(instance, backup).orElseThrow();
    }

    /** The lower-case hex CRC32C of {@code bytes}, as manifests give it. */
    public static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return Crc32c.hex(crc);
    }

    /** The lower-case hex SHA-256 of {@code bytes}, as manifests give it. */
    public static String sha256(byte[] bytes) {
        MessageDigest digest = Sha256.digest();
        digest.update(bytes);
        return Sha256.hex(digest);
    }
}
