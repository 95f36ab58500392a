package io.redisbackup.restoreworker.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.backupstore.WarmUpRdb;
import io.redisbackup.backupstore.s3.S3BackupStore;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.S3Server;

class KeysPlanWarmUpTest {

    @TempDir
    Path dir;

    @Test
    void plansKeysRecoveriesOfASealedScratchBackupAndLeavesNothingBehind() throws Exception {
        SealedBackupStore store = (SealedBackupStore) StoredBackups.sealedStore(
                new LocalDirectoryBackupStore(dir.resolve("store")));
        List<Path> before = scratchDirectories();

        long found = KeysPlanWarmUp.run(store, new KeysLoader(Clock.systemUTC()), 5);

        // 99 keys of the backup a plan (drawn at random, so a few may repeat), and one it does not hold
        assertTrue(found > 5 * 90 && found <= 5 * 99, "found " + found);
        assertEquals(before, scratchDirectories());
        try (Stream<Path> stored = Files.walk(dir.resolve("store"))) {
            assertTrue(stored.noneMatch(Files::isRegularFile), "the worker's own store was written to");
        }
    }

    @Test
    void whereTheBackupsAreInABucketPlansOverAScratchBackupThereAndLeavesNothingInIt() throws Exception {
        try (S3Server s3 = S3Server.start();
                S3BackupStore bucket = new S3BackupStore(s3.client(), s3.presigner(), s3.bucket("backups"), "p/",
                        new S3BackupStore.Uploads(S3BackupStore.Uploads.MIN_PART, 2))) {
            SealedBackupStore store = (SealedBackupStore) StoredBackups.sealedStore(bucket);

            long found = KeysPlanWarmUp.runInStore(store, new KeysLoader(Clock.systemUTC()), 3);

            assertTrue(found > 3 * 90 && found <= 3 * 99, "found " + found);
            assertEquals(0, s3.client().listObjectsV2(b -> b.bucket("backups")).keyCount());
        }
        SealedBackupStore local = (SealedBackupStore) StoredBackups.sealedStore(
                new LocalDirectoryBackupStore(dir.resolve("store")));
        assertEquals(0, KeysPlanWarmUp.runInStore(local, new KeysLoader(Clock.systemUTC()), 3),
                "a directory has no scratch place: the plans over a local scratch backup are its warm-up");
    }

    @Test
    void itsRdbIsOneRedisLoads() throws Exception {
        Path rdb = Files.write(dir.resolve("warm-up.rdb"), WarmUpRdb.of(KeysPlanWarmUp.KEYS));
        try (RedisServer redis = RedisServer.startFromRdb(rdb)) {
            assertEquals((long) KeysPlanWarmUp.KEYS, redis.call("DBSIZE"));
            assertTrue(((Number) redis.call("TTL", "warm-up:10")).longValue() > 300 * 86_400L);
            assertEquals(-1L, redis.call("TTL", "warm-up:11"));
            assertTrue(redis.callString("GET", "warm-up:11").matches("[a-z]{8,300}"));
        }
    }

    private static List<Path> scratchDirectories() throws IOException {
        try (Stream<Path> temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return temporary.filter(p -> p.getFileName().toString().startsWith("keys-recovery-warm-up")).sorted()
                    .toList();
        }
    }
}
