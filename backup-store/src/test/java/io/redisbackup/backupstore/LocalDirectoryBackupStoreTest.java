package io.redisbackup.backupstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

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

    @Override
    protected boolean anythingOf(UUID instance, UUID backup) throws IOException {
        return leftovers(instance, backup) > 0
                || Files.exists(root.resolve("instances").resolve(instance.toString()).resolve(backup.toString()));
    }
}
