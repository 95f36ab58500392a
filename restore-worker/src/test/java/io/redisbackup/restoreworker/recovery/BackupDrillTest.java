package io.redisbackup.restoreworker.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;

/** Restore drills against real redis-server processes: a good backup passes, a damaged one fails, a big one waits. */
class BackupDrillTest {

    @TempDir
    Path dir;

    @Test
    void aGoodBackupLoadsIntoAScratchServerWithEveryKeyAndValueAndTheServerIsGoneAfter() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            source.call("SET", "goes:soon", "v", "PX", "30000");
            // a set the server may DUMP in another order than the RDB holds it, with an expiry: checked by digest
            List<Object> sadd = new ArrayList<>(List.of("SADD", "set:with:ttl"));
            for (int i = 0; i < 300; i++) {
                sadd.add("member-" + i + "-" + "x".repeat(i % 7));
            }
            source.call(sadd.toArray());
            source.call("EXPIRE", "set:with:ttl", "3600");
            BackupStore store = StoredBackups.sealedStore(dir.resolve("store"));
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
            List<String> steps = new ArrayList<>();

            BackupDrill.Outcome outcome = drill(store, Optional.empty()).run(manifest, steps::add);

            long keys = source.valueDigests(0, 1, 5).size();
            assertEquals(keys, outcome.keysChecked() + outcome.keysExpired());
            assertEquals(1, outcome.keysExpired(), "the key near its expiry is not checked");
            assertEquals(List.of(0, 1, 5), List.copyOf(outcome.keysPerDatabase().keySet()));
            assertEquals(3, steps.size(), String.valueOf(steps));
            try (Stream<Path> left = Files.list(dir.resolve("drills"))) {
                assertEquals(0, left.count(), "the drill's directory is removed");
            }
        }
    }

    @Test
    void aBackupWhoseValueChangedWithItsChecksumsFailsItsDrill() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", "drill:value", "AAAAAAAAAAAAAAAAAAAA");
            source.call("SET", "other", "x");
            Path rdb = source.saveRdb(dir.resolve("b.rdb"));
            byte[] bytes = Files.readAllBytes(rdb);
            int at = indexOf(bytes, "AAAAAAAAAAAAAAAAAAAA".getBytes(StandardCharsets.US_ASCII));
            bytes[at + 5] = 'B'; // a value changed before it was stored: manifest and index agree with it
            Files.write(rdb, bytes);
            BackupStore store = StoredBackups.sealedStore(dir.resolve("store"));
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), rdb, 10);

            RecoveryFailure failure = assertThrows(RecoveryFailure.class,
                    () -> drill(store, Optional.empty()).run(manifest, step -> { }));
            assertEquals(BackupDrill.FAILED, failure.code());
            assertTrue(failure.getMessage().contains("did not load the backup"), failure.getMessage());
        }
    }

    @Test
    void aDrillThatNeedsMoreMemoryThanItMayUseIsRefusedBeforeAnythingStarts() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            Datasets.everyType(source);
            BackupStore store = StoredBackups.sealedStore(dir.resolve("store"));
            Manifest manifest = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);

            RecoveryFailure failure = assertThrows(RecoveryFailure.class,
                    () -> drill(store, Optional.of(1024L)).run(manifest, step -> { }));
            assertEquals(BackupDrill.NOT_ENOUGH_MEMORY, failure.code());
            assertTrue(failure.getMessage().contains("may use 1 MiB"), failure.getMessage());
        }
    }

    @Test
    void aClusterBackupIsDrilledShardByShardEachFromItsOwnRdbOfARealClusterNode() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, 0)) {
            for (int i = 0; i < 500; i++) {
                cluster.call("SET", "key:" + i, "value-" + i);
            }
            BackupStore store = StoredBackups.sealedStore(dir.resolve("store"));
            Manifest manifest = StoredBackups.storeCluster(store, UUID.randomUUID(), cluster, dir, 10);
            List<String> steps = new ArrayList<>();

            BackupDrill.Outcome outcome = drill(store, Optional.empty()).run(manifest, steps::add);

            assertEquals(500, outcome.keysChecked(), "every key of every shard");
            assertEquals(java.util.Map.of(0, 500L), outcome.keysPerDatabase());
            assertTrue(steps.stream().anyMatch(step -> step.contains("shard 2")), steps.toString());
        }
    }

    private BackupDrill drill(BackupStore store, Optional<Long> memory) throws IOException {
        Path drills = Files.createDirectories(dir.resolve("drills"));
        return new BackupDrill(store, new RestoreWorkerConfig.Drill() {
            @Override
            public String redisServer() {
                return "redis-server";
            }

            @Override
            public Optional<String> directory() {
                return Optional.of(drills.toString());
            }

            @Override
            public Optional<Long> memoryBytes() {
                return memory;
            }

            @Override
            public Duration loadTimeout() {
                return Duration.ofSeconds(60);
            }
        }, Clock.systemUTC());
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new IllegalStateException("not in the RDB");
    }
}
