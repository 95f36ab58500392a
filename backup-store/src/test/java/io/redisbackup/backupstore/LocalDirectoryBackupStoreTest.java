package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup store contract on a real directory: staging folders, one rename. */
public class LocalDirectoryBackupStoreTest extends BackupStoreContract {

    @TempDir
    protected Path root;

    @Override
    protected BackupStore newStore() throws IOException {
        return new LocalDirectoryBackupStore(root);
    }

    /** The files in the backup's staging folders. */
    @Override
    protected long leftovers(UUID instance, UUID backup) throws IOException {
        try (Stream<Path> staged = Files.walk(root.resolve("staging"))) {
            return staged.filter(Files::isRegularFile)
                    .filter(p -> root.resolve("staging").relativize(p).toString().startsWith(backup.toString()))
                    .count();
        }
    }

    @Test
    void aStagedFolderWhoseFileIsStillGrowingIsNotAbandoned() throws IOException {
        BackupStore store = newStore();
        try (StagedBackup staged = store.stage(instance, backup);
                java.io.OutputStream rdb = staged.create(BackupStore.RDB)) {
            rdb.write(new byte[1000]);
            rdb.flush();
            // a large backup: its folder made two hours ago, its file written a moment ago
            try (Stream<Path> folders = Files.list(root.resolve("staging"))) {
                for (Path folder : folders.toList()) {
                    Files.setLastModifiedTime(folder, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
                }
            }
            assertEquals(0, store.removeAbandoned(Duration.ofHours(1)), "its writer is still at work");
            assertTrue(leftovers(instance, backup) > 0);
        }
    }

    @Override
    protected boolean anythingOf(UUID instance, UUID backup) throws IOException {
        return leftovers(instance, backup) > 0
                || Files.exists(root.resolve("instances").resolve(instance.toString()).resolve(backup.toString()));
    }
}
