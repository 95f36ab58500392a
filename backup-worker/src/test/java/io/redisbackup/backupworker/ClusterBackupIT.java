package io.redisbackup.backupworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupworker.snapshot.SnapshotFailure;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import jakarta.inject.Inject;

/** Backups of a real Redis Cluster (three masters, a replica each): every shard at once, into one backup. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class ClusterBackupIT {

    static RedisCluster cluster;

    @Inject
    SecretCipher cipher;
    @Inject
    BackupStore store;

    TopicClient kafka;
    final UUID instanceId = UUID.randomUUID();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start(3, 1);
        for (int i = 0; i < 3000; i++) {
            cluster.call("SET", "key:" + i, "value-" + i);
        }
        for (int i = 0; i < 50; i++) {
            cluster.call("HSET", "{user:7}:" + i, "field", "v" + i); // one slot, one shard
            cluster.call("SET", "ttl:" + i, "x", "PX", "3600000");
        }
        cluster.awaitReplicated(1);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @BeforeEach
    void connect() {
        kafka = new TopicClient();
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void backsUpEveryShardFromAReplicaIntoOneBackupThatHoldsTheWholeDataset() throws IOException {
        Map<Integer, String> forksBefore = forksOfMasters();
        TakeBackupCommand command = command(ClusterSeeds.SnapshotSource.REPLICA_PREFERRED, SourceCare.NONE);
        assertEquals(Message.CLUSTER_SCHEMA_VERSION, command.schemaVersion(), "an older worker refuses it");
        send(command);

        BackupCompleted completed = (BackupCompleted) awaitEvent(command, BackupCompleted.class);
        Manifest manifest = store.manifest(instanceId, command.backupId()).orElseThrow();
        assertTrue(manifest.cluster());
        assertEquals(Manifest.CLUSTER_FORMAT_VERSION, manifest.formatVersion());
        assertEquals(3, manifest.shards().size());
        assertEquals(3100, manifest.keyCount());
        assertEquals(3100, completed.keyCount());
        assertEquals(manifest.rdbBytes(), completed.sizeBytes());
        assertEquals(3, completed.shards().size(), "the catalogue hears of every shard");
        assertEquals(manifest.shards().get(2).takenFrom(), completed.shards().get(2).takenFrom());
        assertEquals(forksBefore, forksOfMasters(), "the masters were spared the fork: each replica made its own");

        Set<Integer> slots = new HashSet<>();
        Set<Integer> masterPorts = new HashSet<>(cluster.masters().stream().map(RedisServer::port).toList());
        Map<String, String> backedUp = new TreeMap<>();
        for (Manifest.Shard shard : manifest.shards()) {
            assertTrue(shard.fromReplica(), "taken from a replica: " + shard.takenFrom());
            int port = Integer.parseInt(shard.takenFrom().substring(shard.takenFrom().lastIndexOf(':') + 1));
            assertTrue(!masterPorts.contains(port), shard.takenFrom() + " is a replica's address");
            for (int slot = 0; slot < 16384; slot++) {
                if (shard.serves(slot)) {
                    assertTrue(slots.add(slot), "slot " + slot + " in one shard only");
                }
            }
            Path rdb = dir.resolve(shard.rdbFile());
            try (InputStream in = store.open(manifest, shard.rdbFile())) {
                Files.copy(in, rdb);
            }
            try (RedisServer loaded = RedisServer.startFromRdb(rdb)) {
                Map<String, String> digests = loaded.valueDigests(0);
                assertEquals(shard.keyCount(), digests.size());
                backedUp.putAll(digests);
            }
        }
        assertEquals(16384, slots.size(), "every slot in the slot map");
        assertEquals(cluster.valueDigests(), backedUp, "every key of every master, with its value and expiry");
    }

    @Test
    void aClusterWhoseSlotIsBeingMovedIsNotBackedUp() throws IOException {
        RedisServer owner = cluster.masterOf(100);
        RedisServer other = cluster.masters().stream().filter(m -> m != owner).findFirst().orElseThrow();
        owner.call("CLUSTER", "SETSLOT", "100", "MIGRATING", RedisCluster.id(other));
        try {
            TakeBackupCommand command = command(ClusterSeeds.SnapshotSource.MASTER, SourceCare.NONE);
            send(command);
            BackupFailed failed = (BackupFailed) awaitEvent(command, BackupFailed.class);
            assertEquals(SnapshotFailure.CLUSTER_UNSTEADY, failed.error().code());
            assertTrue(failed.error().message().contains("100 moving to node"), failed.error().message());
            assertTrue(store.manifest(instanceId, command.backupId()).isEmpty());
        } finally {
            owner.call("CLUSTER", "SETSLOT", "100", "STABLE");
        }
    }

    @Test
    void slotsThatChangeMastersDuringTheBackupFailIt() throws Exception {
        // about 3 MB a shard at 1 MiB/s: the snapshots take seconds, and a slot moves meanwhile
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 9; i++) {
            byte[] big = new byte[1 << 20];
            random.nextBytes(big); // that the RDB's compression leaves as large
            cluster.call("SET", ("big:" + i).getBytes(), big);
        }
        int slot = emptySlot();
        RedisServer from = cluster.masterOf(slot);
        RedisServer to = cluster.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
        try {
            TakeBackupCommand command = command(ClusterSeeds.SnapshotSource.MASTER, new SourceCare(null, 1L << 20));
            send(command);
            Thread.sleep(1500);
            cluster.moveEmptySlot(slot, from, to);

            BackupFailed failed = (BackupFailed) awaitEvent(command, BackupFailed.class);
            assertEquals(SnapshotFailure.TOPOLOGY_CHANGED, failed.error().code(), failed.error().message());
            assertTrue(store.manifest(instanceId, command.backupId()).isEmpty(), "nothing of it is visible");
        } finally {
            for (int i = 0; i < 9; i++) {
                cluster.call("DEL", "big:" + i);
            }
            cluster.moveEmptySlot(slot, to, from);
        }
    }

    /** A slot no key is in. */
    private static int emptySlot() {
        for (int slot = 16383; slot >= 0; slot--) {
            if ((Long) cluster.masterOf(slot).call("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)) == 0) {
                return slot;
            }
        }
        throw new IllegalStateException("every slot has keys");
    }

    private static Map<Integer, String> forksOfMasters() {
        Map<Integer, String> forks = new TreeMap<>();
        for (RedisServer master : cluster.masters()) {
            forks.put(master.port(), master.callString("INFO", "stats").lines()
                    .filter(l -> l.startsWith("total_forks:")).findFirst().orElseThrow());
        }
        return forks;
    }

    private TakeBackupCommand command(ClusterSeeds.SnapshotSource source, SourceCare care) {
        RedisServer seed = cluster.nodes().get(0);
        var sealed = cipher.seal(cluster.password(), new SealBinding(instanceId, "127.0.0.1", seed.port(), null,
                false));
        List<String> seeds = List.of("127.0.0.1:" + seed.port(), "127.0.0.1:" + cluster.nodes().get(1).port());
        return TakeBackupCommand.of(UUID.randomUUID(), instanceId, UUID.randomUUID(), BackupType.MANUAL,
                Trigger.MANUAL, new RedisEndpoint("127.0.0.1", seed.port(), null, sealed, false,
                        new ClusterSeeds(seeds, source)), care, Instant.now());
    }

    private void send(TakeBackupCommand command) {
        kafka.send(Topics.BACKUP_COMMANDS, instanceId.toString(), MessageCodec.toJson(command));
    }

    /** The backup's outcome, which must be of this kind. */
    private BackupEvent awaitEvent(TakeBackupCommand command, Class<? extends BackupEvent> kind) {
        BackupEvent outcome = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(
                () -> kafka.readAll(Topics.BACKUP_EVENTS, command.instanceId().toString()).stream()
                        .map(json -> MessageCodec.fromJson(json, BackupEvent.class))
                        .filter(e -> e.backupId().equals(command.backupId())
                                && (e instanceof BackupCompleted || e instanceof BackupFailed))
                        .findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertTrue(kind.isInstance(outcome), "the backup ended with " + outcome);
        return outcome;
    }
}
