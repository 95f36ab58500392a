package io.redisbackup.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.redisbackup.contracts.MessageCodec.InvalidMessageException;
import io.redisbackup.contracts.secret.SealedSecret;

class MessageCodecTest {

    private static final Instant NOW = Instant.parse("2026-11-24T02:15:00Z");
    private final UUID task = UUID.randomUUID();
    private final UUID instance = UUID.randomUUID();
    private final UUID backup = UUID.randomUUID();

    @Test
    void roundTripsACommandThroughItsTopicInterface() {
        TakeBackupCommand command = TakeBackupCommand.of(task, instance, backup, BackupType.MANUAL, Trigger.MANUAL,
                new RedisEndpoint("10.0.0.5", 6379, null, new SealedSecret("v1.abc"), false), null, NOW);

        String json = MessageCodec.toJson(command);

        assertTrue(json.contains("\"messageType\":\"TakeBackupCommand\""), json);
        assertTrue(json.contains("\"occurredAt\":\"2026-11-24T02:15:00Z\""), json);
        assertTrue(json.contains("\"password\":\"v1.abc\""), json);
        assertEquals(command, MessageCodec.fromJson(json, BackupWorkerCommand.class));
    }

    @Test
    void aCommandThatAsksForCareIsOfTheVersionThatSaysSoAndOthersAreNot() {
        RedisEndpoint endpoint = new RedisEndpoint("h", 1, null, new SealedSecret("v1.x"), false);
        TakeBackupCommand careful = TakeBackupCommand.of(task, instance, backup, BackupType.MANUAL, Trigger.MANUAL,
                endpoint, new SourceCare(1L << 30, null), NOW);
        TakeBackupCommand plain = TakeBackupCommand.of(task, instance, backup, BackupType.MANUAL, Trigger.MANUAL,
                endpoint, SourceCare.NONE, NOW);

        assertEquals(Message.SOURCE_CARE_SCHEMA_VERSION, careful.schemaVersion());
        assertEquals(careful, MessageCodec.fromJson(MessageCodec.toJson(careful), BackupWorkerCommand.class));
        assertEquals(Message.SCHEMA_VERSION, plain.schemaVersion());
        assertTrue(!MessageCodec.toJson(plain).contains("\"care\""), MessageCodec.toJson(plain));
        assertEquals(SourceCare.NONE, plain.careOrNone());
    }

    @Test
    void aCommandOfAClusterNamesItsSeedsAndIsOfTheClusterVersion() {
        RedisEndpoint cluster = new RedisEndpoint("10.0.0.1", 7000, null, new SealedSecret("v1.x"), false,
                new ClusterSeeds(List.of("10.0.0.1:7000", "[::1]:7001"), ClusterSeeds.SnapshotSource.REPLICA_PREFERRED));
        TakeBackupCommand backup1 = TakeBackupCommand.of(task, instance, backup, BackupType.MANUAL, Trigger.MANUAL,
                cluster, new SourceCare(1L << 30, null), NOW);
        RecoverKeysCommand keys = RecoverKeysCommand.of(task, instance, backup, instance, cluster,
                RecoverKeysCommand.Selection.ofKeys(List.of(new byte[] { 1 })), NOW);

        String json = MessageCodec.toJson(backup1);
        assertTrue(json.contains("\"nodes\":[\"10.0.0.1:7000\",\"[::1]:7001\"]"), json);
        assertTrue(json.contains("\"source\":\"REPLICA_PREFERRED\""), json);
        assertEquals(backup1, MessageCodec.fromJson(json, BackupWorkerCommand.class));
        assertEquals(Message.CLUSTER_SCHEMA_VERSION, backup1.schemaVersion());
        assertEquals(Message.CLUSTER_SCHEMA_VERSION, keys.schemaVersion());
        assertTrue(!MessageCodec.toJson(TakeBackupCommand.of(task, instance, backup, BackupType.MANUAL,
                Trigger.MANUAL, new RedisEndpoint("h", 1, null, new SealedSecret("v1.x"), false), SourceCare.NONE,
                NOW)).contains("cluster"), "a single server's command says nothing of clusters");
    }

    @Test
    void leavesOutFieldsThatAreNotSet() {
        String json = MessageCodec.toJson(TaskStatusChanged.of(task, instance, 1, TaskType.BACKUP, backup,
                Trigger.MANUAL, TaskStatus.PENDING, NOW));
        assertTrue(!json.contains("null") && !json.contains("\"error\""), json);
    }

    @Test
    void roundTripsATaskStatusWithProgressAndResult() {
        TaskStatusChanged event = TaskStatusChanged.of(task, instance, 3, TaskType.BACKUP, backup, Trigger.SCHEDULED,
                TaskStatus.SUCCEEDED, NOW).withProgress(Progress.ofBytes(50, 200)).withResult(Map.of("keyCount", 7));
        TaskStatusChanged read = MessageCodec.fromJson(MessageCodec.toJson(event), TaskStatusChanged.class);
        assertEquals(25, read.progress().percent());
        assertEquals(7, ((Number) read.result().get("keyCount")).intValue());
    }

    @Test
    void refusesWhatIsNotAMessageOfTheExpectedKind() {
        String event = MessageCodec.toJson(BackupDeleted.of(task, instance, backup, NOW));
        assertThrows(InvalidMessageException.class, () -> MessageCodec.fromJson(event, BackupWorkerCommand.class));
        assertThrows(InvalidMessageException.class, () -> MessageCodec.fromJson("{not json", Message.class));
        assertThrows(InvalidMessageException.class, () -> MessageCodec.fromJson("", Message.class));
        assertThrows(InvalidMessageException.class, () -> MessageCodec.fromJson("{\"messageType\":\"Nope\"}", Message.class));
    }

    @Test
    void aKeysRecoveryByNameAloneIsSentAsVersionOneAndOneByPatternAsVersionTwo() {
        RedisEndpoint endpoint = new RedisEndpoint("h", 1, null, new SealedSecret("v1.x"), false);
        RecoverKeysCommand byName = RecoverKeysCommand.of(task, instance, backup, instance, endpoint,
                RecoverKeysCommand.Selection.ofKeys(List.of("user:1".getBytes())), NOW);
        assertEquals(1, byName.schemaVersion(), "every restore worker reads it");
        assertFalse(MessageCodec.toJson(byName).contains("patterns"));
        RecoverKeysCommand byPattern = RecoverKeysCommand.of(task, instance, backup, instance, endpoint,
                new RecoverKeysCommand.Selection(List.of(), List.of("user:*".getBytes()), List.of(), 10), NOW);
        RecoverKeysCommand read = MessageCodec.fromJson(MessageCodec.toJson(byPattern), RecoverKeysCommand.class);
        assertEquals(2, read.schemaVersion());
        assertEquals("user:*", new String(read.patterns().get(0)));
        assertEquals(10, read.maxKeys());
    }

    @Test
    void refusesANewerSchemaVersionAndMissingIdentity() {
        String newer = MessageCodec.toJson(BackupDeleted.of(task, instance, backup, NOW))
                .replace("\"schemaVersion\":1", "\"schemaVersion\":" + (Message.NEWEST_SCHEMA_VERSION + 1));
        InvalidMessageException refused = assertThrows(InvalidMessageException.class,
                () -> MessageCodec.fromJson(newer, BackupEvent.class));
        assertTrue(refused.getMessage().contains("schema version " + (Message.NEWEST_SCHEMA_VERSION + 1)),
                refused.getMessage());

        String anonymous = "{\"messageType\":\"BackupDeleted\",\"schemaVersion\":1,\"backupId\":\"" + backup + "\"}";
        assertThrows(InvalidMessageException.class, () -> MessageCodec.fromJson(anonymous, BackupEvent.class));
    }

    @Test
    void refusesAPasswordThatIsNotSealed() {
        String json = MessageCodec.toJson(TakeBackupCommand.of(task, instance, backup, BackupType.MANUAL,
                Trigger.MANUAL, new RedisEndpoint("h", 1, null, new SealedSecret("v1.x"), false), null, NOW))
                .replace("\"v1.x\"", "\"plain-password\"");
        assertThrows(InvalidMessageException.class, () -> MessageCodec.fromJson(json, BackupWorkerCommand.class));
    }
}
