package io.redisbackup.backupstore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupstore.keyindex.KeyIndexWriter;
import io.redisbackup.backupstore.keyindex.RdbScanner;
import io.redisbackup.backupstore.sealed.BackupKeys;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;

/** Backups put into a store the way the backup worker publishes them, from an RDB file a real server wrote. */
public final class StoredBackups {

    private StoredBackups() {
    }

    /** A store in {@code root} that compresses and encrypts, as the services' store does by default. */
    public static BackupStore sealedStore(Path root) throws IOException {
        return sealedStore(new LocalDirectoryBackupStore(root));
    }

    /** {@link #sealedStore(Path)} over another store of files (a bucket). */
    public static BackupStore sealedStore(BackupStore files) {
        return new SealedBackupStore(files, new SealedBackupStore.Settings(
                Optional.of(BackupKeys.parse("test-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")), Optional.of(1),
                64 << 10));
    }

    /** The manifest as it would be had the backup been stored before the stored files' CRC32C was recorded. */
    public static Manifest withoutStoredCrc32c(Manifest manifest) {
        return new Manifest(manifest.formatVersion(), manifest.instanceId(), manifest.backupId(),
                manifest.startedAt(), manifest.finishedAt(), manifest.redisVersion(), manifest.rdbVersion(),
                manifest.rdbCrc64(), manifest.keyCount(), manifest.keysPerDatabase(), manifest.files().stream()
                        .map(f -> new Manifest.FileEntry(f.name(), f.sizeBytes(), f.sha256(), f.crc32c(),
                                f.storedBytes(), null)).toList(), manifest.sealing(), manifest.datasetMemoryBytes(),
                manifest.shards());
    }

    /** Stores the RDB as a backup, and returns its manifest as published. */
    public static Manifest store(BackupStore store, UUID instance, Path rdb, int rdbVersion) throws IOException {
        return store(store, instance, rdb, rdbVersion, true);
    }

    /** @param withCrc32c false: a manifest as written before the CRC32C of each file was recorded */
    public static Manifest store(BackupStore store, UUID instance, Path rdb, int rdbVersion, boolean withCrc32c)
            throws IOException {
        return store(store, instance, UUID.randomUUID(), rdb, rdbVersion, withCrc32c);
    }

    /** Stores the RDB as backup {@code backup} of the instance (one the catalogue knows), with its key index. */
    public static Manifest store(BackupStore store, UUID instance, UUID backup, Path rdb, int rdbVersion,
            boolean withCrc32c) throws IOException {
        return RdbBackups.store(store, instance, backup, Files.readAllBytes(rdb), rdbVersion, withCrc32c);
    }

    /**
     * Stores a backup of a real cluster as it is now: each master's RDB, saved into {@code dir}, with the slots it
     * serves ({@link #storeCluster(BackupStore, UUID, List, List, int)}).
     */
    public static Manifest storeCluster(BackupStore store, UUID instance, RedisCluster cluster, Path dir,
            int rdbVersion) throws IOException {
        List<Path> rdbs = new java.util.ArrayList<>();
        List<List<String>> slots = new java.util.ArrayList<>();
        List<RedisServer> masters = cluster.masters();
        for (int i = 0; i < masters.size(); i++) {
            rdbs.add(masters.get(i).saveRdb(dir.resolve("shard-" + i + ".rdb")));
            slots.add(cluster.slotsOf(masters.get(i)));
        }
        return storeCluster(store, instance, rdbs, slots, rdbVersion);
    }

    /**
     * Stores a cluster backup: one RDB a shard (as each master saved it) with the slots its master served, each with
     * its key index; the manifest as published.
     */
    public static Manifest storeCluster(BackupStore store, UUID instance, List<Path> rdbs, List<List<String>> slots,
            int rdbVersion) throws IOException {
        UUID backup = UUID.randomUUID();
        List<Manifest.FileEntry> files = new java.util.ArrayList<>();
        List<Manifest.Shard> shards = new java.util.ArrayList<>();
        long allKeys = 0;
        try (StagedBackup staged = store.stage(instance, backup)) {
            for (int i = 0; i < rdbs.size(); i++) {
                byte[] bytes = Files.readAllBytes(rdbs.get(i));
                ByteArrayOutputStream index = new ByteArrayOutputStream();
                long keys;
                try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20)) {
                    writer.finish(RdbScanner.indexFile(new ByteArrayInputStream(bytes), writer), index);
                    keys = writer.keys();
                }
                Manifest.Shard shard = new Manifest.Shard(i, slots.get(i), "node-" + i, "127.0.0.1:" + (7000 + i),
                        false, Instant.now(), "7.0.15", rdbVersion, "0", keys, Map.of(0, keys));
                try (OutputStream out = staged.create(shard.rdbFile())) {
                    out.write(bytes);
                }
                try (OutputStream out = staged.create(shard.indexFile())) {
                    index.writeTo(out);
                }
                files.add(new Manifest.FileEntry(shard.rdbFile(), bytes.length, RdbBackups.sha256(bytes),
                        RdbBackups.crc32c(bytes)));
                files.add(new Manifest.FileEntry(shard.indexFile(), index.size(),
                        RdbBackups.sha256(index.toByteArray()), RdbBackups.crc32c(index.toByteArray())));
                shards.add(shard);
                allKeys += keys;
            }
            staged.publish(new Manifest(Manifest.CLUSTER_FORMAT_VERSION, instance, backup, Instant.now(),
                    Instant.now(), "7.0.15", rdbVersion, null, allKeys, Map.of(0, allKeys), files, null, null,
                    shards));
        }
        return store.manifest(instance, backup).orElseThrow();
    }

    /** Flips one bit in the middle of a stored backup's RDB, as a failing disk would. */
    public static void damage(Path storeRoot, Manifest manifest) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(rdbFile(storeRoot, manifest).toFile(), "r")) {
            damage(storeRoot, manifest, raf.length() / 2);
        }
    }

    /** Flips one bit at {@code offset} of a stored backup's RDB. */
    public static void damage(Path storeRoot, Manifest manifest, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(rdbFile(storeRoot, manifest).toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }

    /** Cuts the last byte off a stored backup's RDB. */
    public static void truncate(Path storeRoot, Manifest manifest) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(rdbFile(storeRoot, manifest).toFile(), "rw")) {
            raf.setLength(raf.length() - 1);
        }
    }

    /** The size in bytes of a stored backup's RDB. */
    public static long rdbSize(Path storeRoot, Manifest manifest) throws IOException {
        return java.nio.file.Files.size(rdbFile(storeRoot, manifest));
    }

    /** Where a stored backup's RDB is, in a directory store. */
    public static Path rdbFile(Path storeRoot, Manifest manifest) {
        return storeRoot.resolve("instances").resolve(manifest.instanceId().toString())
                .resolve(manifest.backupId().toString()).resolve(BackupStore.RDB);
    }
}
