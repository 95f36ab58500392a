package io.redisbackup.restoreworker.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.cluster.HashSlots;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;

/** Recovering chosen keys, against real redis-server processes. */
class KeysLoaderTest {

    @TempDir
    Path dir;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final KeysLoader loader = new KeysLoader(Clock.systemUTC());

    @Test
    void rewritesOnlyTheChosenKeysWithTheirBackedUpValuesAndExpiries() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Datasets.everyType(redis);
            List<byte[]> chosen = List.of(bytes("string:small"), bytes("hash:small"), Datasets.BINARY_KEY,
                    bytes("stream:orders"), bytes("never:there"));
            Map<String, String> atBackup = redis.valueDigests(0, 1);
            Manifest backup = store(redis);

            redis.call("DEL", "string:small", "stream:orders");
            redis.call("SET", "hash:small", "now a string, without a TTL");
            redis.call("SET", Datasets.BINARY_KEY, "changed");
            redis.call("SET", "string:int", "changed, not chosen");
            redis.call("SET", "new:key", "added after the backup");
            redis.call("SELECT", "1");
            redis.call("SET", "string:small", "changed in database 1 too");
            redis.call("SELECT", "0");
            Map<String, String> untouchedBefore = redis.valueDigests(0, 1, 5);
            for (byte[] key : chosen) {
                for (int db : List.of(0, 1, 5)) {
                    untouchedBefore.remove(RedisServer.keyName(db, key));
                }
            }

            KeysLoader.Plan plan;
            KeysLoader.Restored restored;
            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                plan = loader.plan(index, rdb, chosen);
                restored = loader.restore(plan, rdb, index.rdbVersion(), target(redis), TIMEOUT, keys -> { });
            }

            assertEquals(List.of("string:small", "hash:small", KeyList.format(Datasets.BINARY_KEY), "stream:orders"),
                    restored.restored().stream().map(KeyList::format).toList());
            assertEquals(List.of("never:there"), plan.notInBackup().stream().map(KeyList::format).toList());
            Map<String, String> now = redis.valueDigests(0, 1, 5);
            for (String key : List.of("0/string:small", "1/string:small", "0/hash:small", "0/stream:orders",
                    RedisServer.keyName(0, Datasets.BINARY_KEY))) {
                assertEquals(atBackup.get(key), now.get(key), key);
            }
            long ttl = (Long) redis.call("PTTL", "hash:small");
            assertTrue(ttl > 7_000_000 && ttl <= 7_200_000, "the remaining TTL is kept: " + ttl);
            untouchedBefore.forEach((key, digest) -> assertEquals(digest, now.get(key), key));
            assertEquals("changed, not chosen", redis.callString("GET", "string:int"));
            assertNull(redis.call("GET", "never:there"));
        }
    }

    @Test
    void keysTooLargeToHoldAreCheckedThenSentAsTheyAreReadAgain() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Datasets.largeKeys(redis, 0, RdbEntries.HELD_AT_MOST + 4096);
            redis.call("SET", "small", "at backup time");
            Map<String, String> atBackup = redis.valueDigests(0);
            Manifest backup = store(redis);
            for (String key : Datasets.LARGE_KEYS) {
                redis.call("DEL", key);
            }
            redis.call("SET", "small", "changed");

            KeysLoader.Restored restored;
            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                List<byte[]> chosen = new java.util.ArrayList<>(Datasets.LARGE_KEYS.stream().map(KeysLoaderTest::bytes)
                        .toList());
                chosen.add(bytes("small"));
                KeysLoader.Plan plan = loader.plan(index, rdb, chosen);
                assertTrue(plan.found().stream().filter(found -> found.entries().get(0).large() != null).count()
                        == Datasets.LARGE_KEYS.size(), "the large keys are not held by the plan");
                restored = loader.restore(plan, rdb, index.rdbVersion(), target(redis), TIMEOUT, keys -> { });
            }
            assertEquals(4, restored.restored().size());
            assertEquals(atBackup, redis.valueDigests(0));
        }
    }

    @Test
    void aLargeKeyWhoseStoredBytesChangeAfterThePlanIsNotWritten() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Datasets.largeKeys(redis, 0, RdbEntries.HELD_AT_MOST + 4096);
            // stored plain (format 1), so that a byte can change under the entry without failing a sealed frame
            Manifest backup = StoredBackups.store(new LocalDirectoryBackupStore(dir.resolve("store")),
                    UUID.randomUUID(), redis.saveRdb(dir.resolve("plain-" + UUID.randomUUID() + ".rdb")), 10);
            redis.call("SET", "large:hash", "now a string");
            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                KeysLoader.Plan plan = loader.plan(index, rdb, List.of(bytes("large:hash")));
                IndexEntry entry = plan.found().get(0).entries().get(0).index();
                StoredBackups.damage(dir.resolve("store"), backup, entry.start() + entry.length() / 2);
                KeysLoader.Stopped stopped = assertThrows(KeysLoader.Stopped.class,
                        () -> loader.restore(plan, rdb, index.rdbVersion(), target(redis), TIMEOUT, keys -> { }));
                assertEquals(RecoveryFailure.BACKUP_CORRUPT, stopped.code());
                assertEquals(List.of(), stopped.done().restored());
            }
            assertEquals("now a string", redis.callString("GET", "large:hash"), "the server refused what changed");
        }
    }

    @Test
    void reportsKeysWhoseExpiryHasPassedAndLeavesThemAsTheyAre() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.call("SET", "short-lived", "in the backup", "PX", "1500");
            Manifest backup = store(redis);
            Thread.sleep(2000);
            redis.call("SET", "short-lived", "written later");
            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                KeysLoader.Plan plan = loader.plan(index, rdb, List.of(bytes("short-lived")));
                assertEquals(1, plan.expired().size());
                assertEquals(List.of(), loader.restore(plan, rdb, index.rdbVersion(), target(redis), TIMEOUT, keys -> { })
                        .restored());
            }
            assertEquals("written later", redis.callString("GET", "short-lived"));
        }
    }

    @Test
    void aDamagedEntryOfAChosenKeyIsRefusedBeforeAnythingChanges() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.call("SET", "chosen", "v".repeat(50) + "at backup time");
            redis.call("SET", "bystander", "b".repeat(50));
            // stored plain (format 1), so the flipped byte lands in the one entry: each entry's own CRC32C finds it
            // (a sealed frame fails whole, for every key in it: SealedBackupStoreTest)
            Manifest backup = StoredBackups.store(new LocalDirectoryBackupStore(dir.resolve("store")),
                    UUID.randomUUID(), redis.saveRdb(dir.resolve("plain-" + UUID.randomUUID() + ".rdb")), 10);
            redis.call("SET", "chosen", "now");
            long chosenAt;
            try (KeyIndexReader index = index(backup)) {
                chosenAt = index.find(bytes("chosen")).get(0).start();
            }
            StoredBackups.damage(dir.resolve("store"), backup, chosenAt + 12);

            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                RecoveryFailure refused = assertThrows(RecoveryFailure.class,
                        () -> loader.plan(index, rdb, List.of(bytes("bystander"), bytes("chosen"))));
                assertEquals(RecoveryFailure.BACKUP_CORRUPT, refused.code());
                assertEquals(1, loader.plan(index, rdb, List.of(bytes("bystander"))).found().size());
            }
            assertEquals("now", redis.callString("GET", "chosen"));
        }
    }

    @Test
    void aKeyTheTargetRefusesDoesNotStopTheOthersAndTheFailureSaysWhatWasWritten() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.call("SET", "a:1", "backed up");
            redis.call("SET", "b:1", "backed up");
            redis.call("SET", "a:2", "backed up");
            Manifest backup = store(redis);
            redis.call("ACL", "SETUSER", "limited", "on", ">limited-pw", "~a:*", "+@all");
            redis.call("SET", "a:2", "changed");
            InstanceEndpoint limited = new InstanceEndpoint(redis.host(), redis.port(), "limited", "limited-pw", false);
            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                KeysLoader.Plan plan = loader.plan(index, rdb, List.of(bytes("a:1"), bytes("b:1"), bytes("a:2")));
                KeysLoader.Stopped stopped = assertThrows(KeysLoader.Stopped.class,
                        () -> loader.restore(plan, rdb, index.rdbVersion(), limited, TIMEOUT, keys -> { }));
                assertEquals(List.of("a:1", "a:2"), stopped.done().restored().stream().map(KeyList::format).toList());
                assertTrue(stopped.getMessage().contains("refused 1 of them") && stopped.getMessage().contains("NOPERM"),
                        stopped.getMessage());
            }
            assertEquals("backed up", redis.callString("GET", "a:2"), "the key after the refused one was written");
        }
    }

    @Test
    void aRefusedSelectStopsTheRecoveryBeforeAKeyGoesToTheWrongDatabase() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.call("SET", "in:0", "backed up");
            redis.call("SELECT", "3");
            redis.call("SET", "in:3", "backed up");
            redis.call("SELECT", "0");
            Manifest backup = store(redis);
            redis.call("ACL", "SETUSER", "no-select", "on", ">no-select-pw", "~*", "+@all", "-select");
            InstanceEndpoint limited = new InstanceEndpoint(redis.host(), redis.port(), "no-select", "no-select-pw",
                    false);
            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                KeysLoader.Plan plan = loader.plan(index, rdb, List.of(bytes("in:0"), bytes("in:3")));
                KeysLoader.Stopped stopped = assertThrows(KeysLoader.Stopped.class,
                        () -> loader.restore(plan, rdb, index.rdbVersion(), limited, TIMEOUT, keys -> { }));
                assertEquals(List.of("in:0"), stopped.done().restored().stream().map(KeyList::format).toList());
            }
            assertNull(redis.call("GET", "in:3"), "nothing went to database 0 in database 3's place");
        }
    }

    @Test
    void aKeyWhoseSlotMovedSinceTheTopologyWasReadStopsTheRecoveryWithThatReason() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisCluster cluster = RedisCluster.start(3, 0)) {
            source.call("SET", "moving", "from the backup");
            source.call("SET", "staying", "from the backup");
            Manifest backup = store(source);
            RedisServer node = cluster.nodes().get(0);
            InstanceEndpoint login = target(node);
            KeyRouting routing;
            try (InstanceClient client = InstanceClient.connect(login, TIMEOUT)) {
                routing = KeyRouting.cluster(login, client.clusterTopology());
            }
            int slot = HashSlots.of(bytes("moving"));
            RedisServer from = cluster.masterOf(slot);
            cluster.moveEmptySlot(slot, from, cluster.masters().stream().filter(m -> m != from).findFirst()
                    .orElseThrow()); // after the topology was read: the routing sends the key to its old master

            try (KeyIndexReader index = index(backup); SeekableByteChannel rdb = rdb(backup)) {
                KeysLoader.Plan plan = loader.plan(index, rdb, List.of(bytes("moving"), bytes("staying")));
                KeysLoader.Stopped stopped = assertThrows(KeysLoader.Stopped.class, () -> loader.restore(plan,
                        List.of(new KeysLoader.Rdb(rdb, index.rdbVersion())), routing, TIMEOUT, keys -> { }));
                assertEquals(RecoveryFailure.TOPOLOGY_CHANGED, stopped.code(), stopped.getMessage());
                assertTrue(stopped.getMessage().contains("MOVED"), stopped.getMessage());
                assertEquals(List.of("staying"), stopped.done().restored().stream().map(String::new).toList(),
                        "the key whose master still serves its slot was written, and the result says so");
            }
            assertEquals("from the backup", cluster.call("GET", "staying") instanceof byte[] b ? new String(b) : null);
        }
    }

    private Manifest store(RedisServer redis) throws IOException {
        return StoredBackups.store(StoredBackups.sealedStore(dir.resolve("store")), UUID.randomUUID(),
                redis.saveRdb(dir.resolve("backup-" + UUID.randomUUID() + ".rdb")), 10);
    }

    private KeyIndexReader index(Manifest backup) throws IOException {
        return KeyIndexReader.open(StoredBackups.sealedStore(dir.resolve("store"))
                .openChannel(backup, BackupStore.KEY_INDEX));
    }

    private SeekableByteChannel rdb(Manifest backup) throws IOException {
        return StoredBackups.sealedStore(dir.resolve("store")).openChannel(backup, BackupStore.RDB);
    }

    private static InstanceEndpoint target(RedisServer redis) {
        return new InstanceEndpoint(redis.host(), redis.port(), null, redis.password(), false);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
