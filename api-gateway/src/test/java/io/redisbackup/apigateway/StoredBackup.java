package io.redisbackup.apigateway;

import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupstore.sealed.BackupKeys;
import io.redisbackup.backupstore.sealed.SealedBackupStore;

/** Backups put into the gateway's store (in the test profile) the way the backup worker does. */
final class StoredBackup {

    /** The key the test profile seals new backups with; the first of {@code %test.backup-store.encryption.keys}. */
    static final String CURRENT_KEY = "test-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    /** An older key the test profile still accepts. */
    static final String RETIRED_KEY = "retired-key=cmV0aXJlZC1rZXktb2YtdGhlLWdhdGV3YXktdGVzdCE=";

    private StoredBackup() {
    }

    /** Stores the RDB as a backup sealed with {@code keys} (compressed, encrypted); returns the RDB's SHA-256. */
    static String store(String keys, UUID instance, UUID backup, byte[] rdb) throws Exception {
        BackupStore store = new SealedBackupStore(new LocalDirectoryBackupStore(Path.of("target/backups")),
                new SealedBackupStore.Settings(Optional.of(BackupKeys.parse(keys)), Optional.of(1), 64 << 10));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rdb));
        try (StagedBackup staged = store.stage(instance, backup)) {
            try (OutputStream out = staged.create(BackupStore.RDB)) {
                out.write(rdb);
            }
            try (OutputStream out = staged.create(BackupStore.KEY_INDEX)) {
                out.write(new byte[0]);
            }
            staged.publish(new Manifest(Manifest.FORMAT_VERSION, instance, backup, Instant.now(), Instant.now(),
                    "7.0.15", 10, "0", 42, Map.of(0, 42L), List.of(
                            new Manifest.FileEntry(BackupStore.RDB, rdb.length, sha256, null),
                            new Manifest.FileEntry(BackupStore.KEY_INDEX, 0, "e3b0", null))));
        }
        return sha256;
    }

    /** Stores a cluster backup of one RDB a shard (sealed with the current key), the first shard's slots 0-8191. */
    static void storeCluster(UUID instance, UUID backup, List<byte[]> rdbs) throws Exception {
        BackupStore store = new SealedBackupStore(new LocalDirectoryBackupStore(Path.of("target/backups")),
                new SealedBackupStore.Settings(Optional.of(BackupKeys.parse(CURRENT_KEY)), Optional.of(1), 64 << 10));
        List<Manifest.FileEntry> files = new java.util.ArrayList<>();
        List<Manifest.Shard> shards = new java.util.ArrayList<>();
        try (StagedBackup staged = store.stage(instance, backup)) {
            for (int i = 0; i < rdbs.size(); i++) {
                Manifest.Shard shard = new Manifest.Shard(i, List.of(i == 0 ? "0-8191" : "8192-16383"), "n" + i,
                        "10.0.0." + i + ":7000", false, Instant.now(), "7.0.15", 10, "0", 21, Map.of(0, 21L));
                try (OutputStream out = staged.create(shard.rdbFile())) {
                    out.write(rdbs.get(i));
                }
                try (OutputStream out = staged.create(shard.indexFile())) {
                    out.write(new byte[0]);
                }
                files.add(new Manifest.FileEntry(shard.rdbFile(), rdbs.get(i).length,
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rdbs.get(i))), null));
                files.add(new Manifest.FileEntry(shard.indexFile(), 0, "e3b0", null));
                shards.add(shard);
            }
            staged.publish(new Manifest(Manifest.CLUSTER_FORMAT_VERSION, instance, backup, Instant.now(),
                    Instant.now(), "7.0.15", 10, null, 42, Map.of(0, 42L), files, null, null, shards));
        }
    }

    /** The manifest as stored, as text. */
    static String manifestText(UUID instance, UUID backup) throws Exception {
        return java.nio.file.Files.readString(Path.of("target/backups/instances", instance.toString(),
                backup.toString(), Manifest.FILE_NAME));
    }
}
