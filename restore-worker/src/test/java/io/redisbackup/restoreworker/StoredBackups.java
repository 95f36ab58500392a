package io.redisbackup.restoreworker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StagedBackup;

/** Backups put into a store the way the backup worker publishes them, from an RDB file a real server wrote. */
public final class StoredBackups {

    private StoredBackups() {
    }

    public static Manifest store(BackupStore store, UUID instance, Path rdb, int rdbVersion) throws IOException {
        UUID backup = UUID.randomUUID();
        byte[] bytes = Files.readAllBytes(rdb);
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, instance, backup, Instant.now(), Instant.now(),
                "7.0.15", rdbVersion, "0", 0, Map.of(), List.of(new Manifest.FileEntry(BackupStore.RDB, bytes.length,
                        sha256(bytes)), new Manifest.FileEntry(BackupStore.KEY_INDEX, 0, sha256(new byte[0]))));
        try (StagedBackup staged = store.stage(instance, backup)) {
            try (OutputStream out = staged.create(BackupStore.RDB)) {
                out.write(bytes);
            }
            staged.create(BackupStore.KEY_INDEX).close();
            staged.publish(manifest);
        }
        return manifest;
    }

    /** Flips one bit in the middle of a stored backup's RDB, as a failing disk would. */
    public static void damage(Path storeRoot, Manifest manifest) throws IOException {
        Path file = storeRoot.resolve("instances").resolve(manifest.instanceId().toString())
                .resolve(manifest.backupId().toString()).resolve(BackupStore.RDB);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = raf.length() / 2;
            raf.seek(middle);
            int b = raf.read();
            raf.seek(middle);
            raf.write(b ^ 0x10);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
