package io.redisbackup.restoreworker.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.taskexecution.TransferGuard;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.RedisVersions;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;

/** The recovery engine against real redis-server processes. */
class RecoveryEngineTest {

    @TempDir
    Path dir;

    private final InstanceLoader loader = new InstanceLoader(Clock.systemUTC(),
            new TransferGuard.Limits(Duration.ofMinutes(1), 1, Duration.ofMinutes(1)));

    @Test
    void replacesTheWholeDatasetWithTheBackupsExactly() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            Datasets.everyType(source);
            target.call("SET", "only-on-the-target", "goes away");
            target.call("SELECT", "7");
            target.call("SET", "in-another-database", "goes away too");
            BackupStore store = StoredBackups.sealedStore(dir.resolve("store"));
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("source.rdb")), 10);

            new BackupVerifier(store).verify(manifest);
            InstanceLoader.Loaded loaded = loader.replaceAll(InstanceLoader.RdbFile.stored(store, manifest,
                    BackupStore.RDB), 0, target(target), Duration.ofSeconds(5), keys -> { });

            assertEquals(source.digest(), target.digest());
            assertEquals("x", target.callString("FCALL", "echo_first", "0", "x"));
            assertEquals(1, loaded.functions());
            assertEquals(0, loaded.expired());
        }
    }

    @Test
    void keysTooLargeToHoldAreSentAsTheyAreReadAgainAndComeBackExactly() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            Datasets.everyType(source);
            Datasets.largeKeys(source, 3, RdbEntries.HELD_AT_MOST + 4096);
            BackupStore store = StoredBackups.sealedStore(dir.resolve("store"));
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("large.rdb")),
                    10);
            try (KeyIndexReader index = KeyIndexReader.open(store.openChannel(manifest, BackupStore.KEY_INDEX))) {
                for (String key : Datasets.LARGE_KEYS) {
                    assertTrue(RdbEntries.isLarge(index.find(key.getBytes()).get(0)), key + " is stored larger than "
                            + "a recovery holds");
                }
            }

            loader.replaceAll(InstanceLoader.RdbFile.stored(store, manifest, BackupStore.RDB), 0, target(target),
                    Duration.ofSeconds(30), keys -> { });

            assertEquals(source.digest(), target.digest());
            target.call("SELECT", "3");
            assertTrue((Long) target.call("PTTL", "large:string") > 86_000_000L, "its expiry is kept");
        }
    }

    @Test
    void aKeyTooLargeToHoldWhoseBytesChangeBeforeItIsReadAgainStopsTheLoadAsDamage() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.call("SET", "small", "1");
            Datasets.largeKeys(source, 0, RdbEntries.HELD_AT_MOST + 4096);
            Path rdb = source.saveRdb(dir.resolve("large.rdb"));
            Path changed = dir.resolve("changed.rdb");
            byte[] bytes = Files.readAllBytes(rdb);
            bytes[bytes.length / 2] ^= 0x20; // inside one of the large keys, which fill nearly all of the file
            Files.write(changed, bytes);

            RecoveryFailure stopped = assertThrows(RecoveryFailure.class, () -> loader.replaceAll(
                    file(rdb, changed), 0, target(target), Duration.ofSeconds(30), keys -> { }));
            assertEquals(RecoveryFailure.BACKUP_CORRUPT, stopped.code(), stopped.getMessage());
            assertTrue(stopped.getMessage().contains("changed between two reads"), stopped.getMessage());
        }
    }

    @Test
    void leavesOutKeysWhoseExpiryHasPassed() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.call("SET", "stays", "1");
            source.call("SET", "expires-soon", "1", "PX", "1500");
            Path rdb = source.saveRdb(dir.resolve("ttl.rdb"));
            Thread.sleep(2000);

            InstanceLoader.Loaded loaded = loader.replaceAll(file(rdb), 0, target(target), Duration.ofSeconds(5),
                    keys -> { });
            assertEquals(1, loaded.restored());
            assertEquals(1, loaded.expired());
            assertNull(target.call("GET", "expires-soon"));
            assertEquals("1", target.callString("GET", "stays"));
        }
    }

    @Test
    void refusesABackupWithOneFlippedByte() throws Exception {
        Path root = dir.resolve("store");
        BackupStore store = StoredBackups.sealedStore(root);
        Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), rdbOfEveryType(), 10);
        StoredBackups.damage(root, manifest);

        assertRefusedAsCorrupt(store, manifest);
    }

    @Test
    void aSealedBackupWhoseManifestHasNoStoredCrc32cIsCheckedByItsPlainBytes() throws Exception {
        Path root = dir.resolve("store");
        BackupStore store = StoredBackups.sealedStore(root);
        Manifest intact = withoutStoredCrc32c(store, StoredBackups.store(store, UUID.randomUUID(), rdbOfEveryType(),
                10));
        Manifest damaged = withoutStoredCrc32c(store, StoredBackups.store(store, UUID.randomUUID(), rdbOfEveryType(),
                10));
        StoredBackups.damage(root, damaged);

        new BackupVerifier(store).verify(intact);
        assertRefusedAsCorrupt(store, damaged);
    }

    /** The manifest as a backup stored before the stored files' CRC32C was recorded has it. */
    private static Manifest withoutStoredCrc32c(BackupStore store, Manifest manifest) throws java.io.IOException {
        Manifest older = StoredBackups.withoutStoredCrc32c(manifest);
        store.replaceManifest(older);
        return store.manifest(older.instanceId(), older.backupId()).orElseThrow();
    }

    @Test
    void aBackupWhoseManifestHasNoCrc32cIsCheckedByItsSha256() throws Exception {
        Path rdb = rdbOfEveryType();
        Path root = dir.resolve("store");
        BackupStore store = new LocalDirectoryBackupStore(root);
        Manifest intact = StoredBackups.store(store, UUID.randomUUID(), rdb, 10, false);
        Manifest damaged = StoredBackups.store(store, UUID.randomUUID(), rdb, 10, false);
        StoredBackups.damage(root, damaged);

        new BackupVerifier(store).verify(intact);
        assertRefusedAsCorrupt(store, damaged);
    }

    @Test
    void refusesABackupWithAChangedTrailerOrALostLastByte() throws Exception {
        Path rdb = rdbOfEveryType();
        Path root = dir.resolve("store");
        BackupStore store = StoredBackups.sealedStore(root);
        Manifest changedTrailer = StoredBackups.store(store, UUID.randomUUID(), rdb, 10);
        StoredBackups.damage(root, changedTrailer, StoredBackups.rdbSize(root, changedTrailer) - 1);
        Manifest shortened = StoredBackups.store(store, UUID.randomUUID(), rdb, 10);
        StoredBackups.truncate(root, shortened);

        assertRefusedAsCorrupt(store, changedTrailer);
        assertRefusedAsCorrupt(store, shortened);
    }

    /** An RDB saved by a real server holding every type of value. */
    private Path rdbOfEveryType() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            return source.saveRdb(dir.resolve("source.rdb"));
        }
    }

    private static void assertRefusedAsCorrupt(BackupStore store, Manifest manifest) {
        RecoveryFailure refused = assertThrows(RecoveryFailure.class, () -> new BackupVerifier(store).verify(manifest));
        assertEquals(RecoveryFailure.BACKUP_CORRUPT, refused.code());
    }

    @Test
    void aKeyTheTargetRefusesStopsTheLoadAndSaysSo() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 500; i++) {
                source.call("SET", "a:" + i, "v");
            }
            source.call("SET", "b:1", "refused");
            Path rdb = source.saveRdb(dir.resolve("refused.rdb"));
            target.call("ACL", "SETUSER", "limited", "on", ">limited-pw", "~a:*", "+@all");
            InstanceEndpoint limited = new InstanceEndpoint(target.host(), target.port(), "limited", "limited-pw", false);
            RecoveryFailure refused = assertThrows(RecoveryFailure.class,
                    () -> loader.replaceAll(file(rdb), 0, limited, Duration.ofSeconds(5), keys -> { }));
            assertEquals(RecoveryFailure.LOAD_FAILED, refused.code());
            assertTrue(refused.getMessage().contains("NOPERM"), refused.getMessage());
        }
    }

    @Test
    void aTargetThatStopsReadingIsLeftWithinTheMinimumRate() throws Exception {
        InstanceLoader strict = new InstanceLoader(Clock.systemUTC(),
                new TransferGuard.Limits(Duration.ofMinutes(5), 100_000, Duration.ofSeconds(1)));
        try (RedisServer source = RedisServer.start();
                ServerSocket stalls = new ServerSocket(0)) {
            source.call("DEBUG", "POPULATE", "200000", "key", "100");
            Path rdb = source.saveRdb(dir.resolve("big.rdb"));
            // takes the login, then reads nothing more: the load fills the socket's buffers and blocks
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket client = stalls.accept()) {
                    client.getInputStream().readNBytes(10);
                    client.getOutputStream().write("+OK\r\n".getBytes());
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // the loader went away
                }
            });
            InstanceEndpoint stalling = new InstanceEndpoint("127.0.0.1", stalls.getLocalPort(), null, "pw", false);
            long started = System.nanoTime();
            RecoveryFailure stopped = assertThrows(RecoveryFailure.class,
                    () -> strict.replaceAll(file(rdb), Files.size(rdb), stalling, Duration.ofSeconds(30), keys -> { }));
            assertEquals(RecoveryFailure.TOO_SLOW, stopped.code());
            assertTrue(stopped.getMessage().contains("below the minimum rate"), stopped.getMessage());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(25).toNanos(), "it did not wait for the read timeout");
        }
    }

    @Test
    void saysPlainlyWhenTheTargetRefusesThePassword() {
        try (RedisServer target = RedisServer.start()) {
            RecoveryFailure refused = assertThrows(RecoveryFailure.class, () -> loader.replaceAll(
                    file(dir.resolve("never-read.rdb")), 0,
                    new InstanceEndpoint(target.host(), target.port(), null, "wrong", false), Duration.ofSeconds(5),
                    keys -> { }));
            assertEquals(RecoveryFailure.TARGET_AUTH_FAILED, refused.code());
        }
    }

    @Test
    void knowsWhichRdbVersionsAServerLoads() {
        assertEquals(10, RedisVersions.maxRdbVersion("7.0.15"));
        assertEquals(11, RedisVersions.maxRdbVersion("7.2.4"));
        assertEquals(12, RedisVersions.maxRdbVersion("7.4.0"));
        assertEquals(12, RedisVersions.maxRdbVersion("8.0.1"));
        assertEquals(9, RedisVersions.maxRdbVersion("6.2.14"));
        assertEquals(9, RedisVersions.maxRdbVersion("5.0.0"));
        assertEquals(0, RedisVersions.maxRdbVersion("unknown"));
    }

    /** An RDB file as a recovery reads it: from its start, and again where a large key lies. */
    private static InstanceLoader.RdbFile file(Path rdb) {
        return file(rdb, rdb);
    }

    /** A file streamed from {@code streamed} whose keys too large to hold are read again from {@code readAgain}. */
    private static InstanceLoader.RdbFile file(Path streamed, Path readAgain) {
        return new InstanceLoader.RdbFile() {
            @Override
            public InputStream open() throws java.io.IOException {
                return Files.newInputStream(streamed);
            }

            @Override
            public java.nio.channels.SeekableByteChannel openChannel() throws java.io.IOException {
                return Files.newByteChannel(readAgain);
            }
        };
    }

    private static InstanceEndpoint target(RedisServer redis) {
        return new InstanceEndpoint(redis.host(), redis.port(), null, redis.password(), false);
    }
}
