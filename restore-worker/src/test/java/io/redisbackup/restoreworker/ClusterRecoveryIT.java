package io.redisbackup.restoreworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.awaitility.Awaitility;
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
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import jakarta.inject.Inject;

/**
 * Recoveries of a backup of a real three-master Redis Cluster: into a cluster of four masters (each key where its
 * slot is served now), into the cluster it came from, and chosen keys routed by slot.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class ClusterRecoveryIT {

    static RedisCluster three;
    static RedisCluster four;
    static Map<String, String> backedUp;

    @Inject
    SecretCipher cipher;
    @Inject
    BackupStore store;

    @TempDir
    Path dir;

    TopicClient kafka;
    final UUID targetId = UUID.randomUUID();

    @BeforeAll
    static void start() {
        three = RedisCluster.start(3, 0);
        four = RedisCluster.start(4, 0);
    }

    @AfterAll
    static void stop() {
        three.close();
        four.close();
    }

    @BeforeEach
    void connect() {
        kafka = new TopicClient();
        three.masters().forEach(m -> m.call("FLUSHALL"));
        for (int i = 0; i < 2000; i++) {
            three.call("SET", "key:" + i, "value-" + i);
        }
        for (int i = 0; i < 30; i++) {
            three.call("HSET", "{user:7}:" + i, "field", "v" + i);
            three.call("SET", "ttl:" + i, "x", "PX", "3600000");
        }
        backedUp = three.valueDigests();
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void recoversAThreeShardBackupIntoFourMastersEachKeyWhereItsSlotIsServed() throws Exception {
        Manifest backup = backUp();
        four.call("SET", "only-on-the-target", "before");
        RecoverInstanceCommand command = RecoverInstanceCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint(four), Instant.now());
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.SUCCEEDED, last.status(), String.valueOf(last.error()));
        assertEquals(backedUp, four.valueDigests(), "every key, its value and expiry, and nothing else");
        assertEquals(2060L, ((Number) last.result().get("keysRestored")).longValue(), last.result().toString());
        for (RedisServer master : four.masters()) {
            assertTrue((Long) master.call("DBSIZE") > 0, "every master of four holds its share");
        }
        assertEquals(List.of(InstanceStatus.RECOVERING_BY_BACKUP_ID, InstanceStatus.RUNNING), instanceStatuses());
    }

    @Test
    void recoversTheClusterItCameFrom() throws Exception {
        Manifest backup = backUp();
        three.masters().forEach(m -> m.call("FLUSHALL"));
        three.call("SET", "key:1", "changed");
        send(RecoverInstanceCommand.of(UUID.randomUUID(), targetId, backup.backupId(), backup.instanceId(),
                endpoint(three), Instant.now()));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> backedUp.equals(three.valueDigests()));
    }

    @Test
    void recoversChosenKeysEachFromItsShardIntoTheMasterOfItsSlot() throws Exception {
        Manifest backup = backUp();
        List<byte[]> chosen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            three.call("SET", "key:" + i, "changed");
            chosen.add(("key:" + i).getBytes());
        }
        three.call("DEL", "{user:7}:3");
        chosen.add("{user:7}:3".getBytes());
        chosen.add("never-there".getBytes());
        three.call("SET", "key:500", "a bystander, changed"); // not chosen: stays as it is
        RecoverKeysCommand command = RecoverKeysCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint(three), RecoverKeysCommand.Selection.ofKeys(chosen), Instant.now());
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.SUCCEEDED, last.status(), String.valueOf(last.error()));
        Map<String, String> now = three.valueDigests();
        for (int i = 0; i < 100; i++) {
            assertEquals(backedUp.get("0/key:" + i), now.get("0/key:" + i), "key:" + i);
        }
        assertEquals(backedUp.get("0/{user:7}:3"), now.get("0/{user:7}:3"));
        assertEquals("a bystander, changed", three.call("GET", "key:500") instanceof byte[] b ? new String(b) : null);
        assertEquals(101, ((Number) last.result().get("keysRestored")).intValue(), last.result().toString());
        assertEquals(1, ((Number) last.result().get("keysNotInBackup")).intValue(), last.result().toString());
    }

    @Test
    void aTargetClusterWithASlotBeingMovedIsLeftAsItIs() throws Exception {
        Manifest backup = backUp();
        four.masters().forEach(m -> m.call("FLUSHALL"));
        four.call("SET", "only-on-the-target", "before");
        RedisServer owner = four.masterOf(200);
        RedisServer other = four.masters().stream().filter(m -> m != owner).findFirst().orElseThrow();
        owner.call("CLUSTER", "SETSLOT", "200", "MIGRATING", RedisCluster.id(other));
        try {
            RecoverInstanceCommand command = RecoverInstanceCommand.of(UUID.randomUUID(), targetId,
                    backup.backupId(), backup.instanceId(), endpoint(four), Instant.now());
            send(command);
            TaskStatusChanged last = awaitEnd(command);
            assertEquals(RecoveryFailure.TARGET_CLUSTER_UNSTEADY, last.error().code(), last.error().message());
            assertEquals(Map.of("0/only-on-the-target", four.valueDigests().get("0/only-on-the-target")),
                    four.valueDigests(), "nothing was changed");
        } finally {
            owner.call("CLUSTER", "SETSLOT", "200", "STABLE");
        }
    }

    /** A backup of the three-master cluster as it is: each master's RDB with the slots it serves. */
    private Manifest backUp() throws Exception {
        return StoredBackups.storeCluster(store, UUID.randomUUID(), three, dir, 10);
    }

    /** A cluster as the gateway names it in a command: its nodes as seeds, the password sealed for the first. */
    private RedisEndpoint endpoint(RedisCluster cluster) {
        RedisServer seed = cluster.nodes().get(0);
        var sealed = cipher.seal(cluster.password(), new SealBinding(targetId, seed.host(), seed.port(), null, false));
        return new RedisEndpoint(seed.host(), seed.port(), null, sealed, false, new ClusterSeeds(
                cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).toList(),
                ClusterSeeds.SnapshotSource.MASTER));
    }

    private void send(RestoreWorkerCommand command) {
        kafka.send(Topics.RESTORE_COMMANDS, targetId.toString(), MessageCodec.toJson(command));
    }

    private TaskStatusChanged awaitEnd(RestoreWorkerCommand command) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readAll(Topics.TASK_STATUS,
                targetId.toString()).stream().map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                .filter(s -> s.taskId().equals(command.taskId()) && s.status().isTerminal()).findFirst().orElse(null),
                Objects::nonNull);
    }

    private List<InstanceStatus> instanceStatuses() {
        return kafka.readAll(Topics.INSTANCE_STATUS, targetId.toString()).stream()
                .map(json -> MessageCodec.fromJson(json, InstanceStatusChanged.class).status()).toList();
    }
}
