package io.redisbackup.restoreworker.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.taskexecution.TransferGuard;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;

/**
 * A whole-instance recovery from an object store reading it once. The store of files here is a directory that says
 * it is remote, as the S3 store does: the copy, the check and the load are what is tested, each against real files
 * and a real redis-server; the system tests run the same recoveries against s3proxy.
 */
class LocalCopiesTest {

    @TempDir
    Path dir;

    private final InstanceLoader loader = new InstanceLoader(Clock.systemUTC(),
            new TransferGuard.Limits(Duration.ofMinutes(1), 1, Duration.ofMinutes(1)));

    @Test
    void theCheckCopiesTheBackupAsStoredAndTheLoadReadsOnlyTheCopy() throws Exception {
        BackupStore store = StoredBackups.sealedStore(remote(dir.resolve("bucket")));
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            Datasets.everyType(source);
            Datasets.largeKeys(source, 2, RdbEntries.HELD_AT_MOST + 4096); // read again, from the copy
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("s.rdb")),
                    10);
            Path base = dir.resolve("copies");
            LocalCopies copies = LocalCopies.of(store, manifest, base);
            assertTrue(copies.copying(), "a backup in a remote store is copied");
            new BackupVerifier(store).verify(manifest, read -> { }, copies);

            Path copy = onlyCopy(base);
            Path stored = StoredBackups.rdbFile(dir.resolve("bucket"), manifest);
            assertArrayEquals(Files.readAllBytes(stored), Files.readAllBytes(copy), "the bytes as stored");
            // the store's RDB is gone: what the load gets can only come from the copy
            Files.delete(stored);
            loader.replaceAll(copies.rdbFile(BackupStore.RDB), 0, target(target), Duration.ofSeconds(60), k -> { });
            assertEquals(source.digest(), target.digest());

            copies.close();
            assertFalse(Files.exists(copy));
            try (var left = Files.list(base)) {
                assertEquals(0, left.count(), "the copy's folder is gone too");
            }
        }
    }

    @Test
    void aBackupDamagedInTheStoreFailsTheCheckWhileItIsCopied() throws Exception {
        Path root = dir.resolve("bucket");
        BackupStore store = StoredBackups.sealedStore(remote(root));
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("s.rdb")),
                    10);
            StoredBackups.damage(root, manifest);

            try (LocalCopies copies = LocalCopies.of(store, manifest, dir.resolve("copies"))) {
                assertTrue(copies.copying());
                RecoveryFailure refused = assertThrows(RecoveryFailure.class,
                        () -> new BackupVerifier(store).verify(manifest, read -> { }, copies));
                assertEquals(RecoveryFailure.BACKUP_CORRUPT, refused.code());
            }
        }
    }

    @Test
    void nothingIsCopiedFromADirectoryOrOfABackupStoredBeforeItsStoredChecksumWasRecorded() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            Path rdb = source.saveRdb(dir.resolve("s.rdb"));
            BackupStore local = StoredBackups.sealedStore(dir.resolve("store"));
            assertFalse(LocalCopies.of(local, StoredBackups.store(local, UUID.randomUUID(), rdb, 10),
                    dir.resolve("copies")).copying());

            BackupStore remote = StoredBackups.sealedStore(remote(dir.resolve("bucket")));
            Manifest stored = StoredBackups.store(remote, UUID.randomUUID(), rdb, 10);
            try (LocalCopies copies = LocalCopies.of(remote, stored, dir.resolve("copies"))) {
                assertTrue(copies.copying());
            }
            assertFalse(LocalCopies.of(remote, StoredBackups.withoutStoredCrc32c(stored), dir.resolve("copies"))
                    .copying(), "the check of such a backup reads it plain");
        }
    }

    private static Path onlyCopy(Path base) throws Exception {
        try (var folders = Files.list(base)) {
            List<Path> found = folders.toList();
            assertEquals(1, found.size());
            try (var files = Files.list(found.get(0))) {
                return files.findFirst().orElseThrow();
            }
        }
    }

    private static InstanceEndpoint target(RedisServer redis) {
        return new InstanceEndpoint(redis.host(), redis.port(), null, redis.password(), false);
    }

    /** A directory that says it is a remote store: every read of it is what a bucket would have to serve. */
    private static BackupStore remote(Path root) throws IOException {
        return new LocalDirectoryBackupStore(root) {
            @Override
            public boolean remote() {
                return true;
            }
        };
    }
}
