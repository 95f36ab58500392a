package io.redisbackup.restoreworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StoredBackups;
import io.redisbackup.backupstore.sealed.BackupKeys;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SealedSecret;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.taskexecution.Attempt;
import io.redisbackup.taskexecution.InstanceLeases;
import io.redisbackup.taskexecution.TaskExecution;
import io.redisbackup.taskexecution.TaskLedger;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class RecoveryCommandsIT {

    @Inject
    SecretCipher cipher;
    @Inject
    BackupStore store;
    @Inject
    InstanceLeases leases;
    @Inject
    TaskLedger ledger;

    @TempDir
    Path dir;

    TopicClient kafka;
    RedisServer source;
    RedisServer target;
    final UUID targetId = UUID.randomUUID();

    @BeforeEach
    void start() {
        kafka = new TopicClient();
        source = RedisServer.start();
        target = RedisServer.start();
        Datasets.everyType(source);
        target.call("SET", "only-on-the-target", "before");
    }

    @AfterEach
    void stop() {
        kafka.close();
        source.close();
        target.close();
    }

    @Test
    void replacesTheInstancesDatasetAndShowsItRecoveringMeanwhile() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        RecoverInstanceCommand command = command(backup);
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.SUCCEEDED, last.status(), String.valueOf(last.error()));
        assertEquals(source.digest(), target.digest());
        assertEquals(List.of(InstanceStatus.RECOVERING_BY_BACKUP_ID, InstanceStatus.RUNNING), instanceStatuses());
        assertEquals(0, ((Number) last.result().get("keysExpired")).intValue());
    }

    @Test
    void refusesADamagedBackupBeforeTheInstanceChanges() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        StoredBackups.damage(Path.of("target/backups"), backup);
        String before = target.digest();
        RecoverInstanceCommand command = command(backup);
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.FAILED, last.status());
        assertEquals("BACKUP_CHECKSUM_MISMATCH", last.error().code());
        assertEquals(before, target.digest());
        assertEquals(List.of(InstanceStatus.RUNNING), instanceStatuses());
        // the backup was read while the task showed it: RUNNING, with the bytes to read
        assertTrue(statuses(command).stream().anyMatch(s -> s.status() == TaskStatus.RUNNING
                && "reading the whole backup to check it before the instance changes".equals(s.message())
                && s.progress() != null && Long.valueOf(backup.rdbBytes()).equals(s.progress().bytesTotal())),
                statuses(command).toString());
        // the damage is written back: the gateway marks the backup CORRUPT
        BackupCorrupted corrupted = (BackupCorrupted) kafka.readAll(Topics.BACKUP_EVENTS, backup.instanceId().toString())
                .stream().map(json -> MessageCodec.fromJson(json, BackupEvent.class))
                .filter(e -> e instanceof BackupCorrupted).findFirst().orElseThrow();
        assertEquals(backup.backupId(), corrupted.backupId());
        assertEquals(command.taskId(), corrupted.taskId());
        assertEquals("BACKUP_CHECKSUM_MISMATCH", corrupted.error().code());
    }

    @Test
    void refusesABackupSealedWithAKeyItDoesNotHaveNamingTheKey() throws Exception {
        BackupStore elsewhere = new SealedBackupStore(new LocalDirectoryBackupStore(Path.of("target/backups")),
                new SealedBackupStore.Settings(Optional.of(BackupKeys.parse(
                        "removed-key=" + Base64.getEncoder().encodeToString(new byte[32]))), Optional.of(1), 64 << 10));
        Manifest backup = StoredBackups.store(elsewhere, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        String before = target.digest();
        RecoverInstanceCommand command = command(backup);
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.FAILED, last.status());
        assertEquals("BACKUP_KEY_UNKNOWN", last.error().code());
        assertTrue(last.error().message().contains("'removed-key'"), last.error().message());
        assertEquals(before, target.digest());
        assertEquals(List.of(InstanceStatus.RUNNING), instanceStatuses());
    }

    @Test
    void refusesABackupTheTargetsRedisCannotLoad() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 12);
        String before = target.digest();
        RecoverInstanceCommand command = command(backup);
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals("TARGET_REDIS_TOO_OLD", last.error().code());
        assertEquals(before, target.digest());
    }

    @Test
    void refusesChosenKeysTheTargetsRedisCannotLoadCheckedOnThePipeTheyWouldGoDown() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 12);
        String before = target.digest();
        RecoverKeysCommand command = RecoverKeysCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint(),
                RecoverKeysCommand.Selection.ofKeys(List.of("string:small".getBytes())), Instant.now());
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals("TARGET_REDIS_TOO_OLD", last.error().code());
        assertTrue(last.error().message().contains("RDB version 12"), last.error().message());
        assertEquals(before, target.digest());
    }

    @Test
    void waitsAsDelayedWhileAnotherTaskHoldsTheInstance() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        RecoverInstanceCommand command = command(backup);
        try (InstanceLeases.Lease backupRunning = leases.tryAcquire(targetId).orElseThrow()) {
            send(command);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> statuses(command).stream()
                    .anyMatch(s -> s.status() == TaskStatus.DELAYED));
            assertEquals("before", target.callString("GET", "only-on-the-target"), "nothing changes while it waits");
        }
        assertEquals(TaskStatus.SUCCEEDED, awaitEnd(command).status());
        assertTrue(statuses(command).stream().anyMatch(s -> s.status() == TaskStatus.RUNNING
                && s.message() != null && s.message().startsWith("Delayed by ")));
    }

    @Test
    void rewritesChosenKeysOnlyShowingRecoveringByKeyMeanwhile() throws Exception {
        target.call("SET", "string:small", "on the target");
        target.call("SET", "list:small", "on the target");
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        RecoverKeysCommand command = RecoverKeysCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint(), RecoverKeysCommand.Selection.ofKeys(List.of("string:small".getBytes(),
                        Datasets.BINARY_KEY, "not:in:backup".getBytes())), Instant.now());
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.SUCCEEDED, last.status(), String.valueOf(last.error()));
        assertEquals(TaskType.RECOVER_KEYS, last.taskType());
        assertEquals(List.of("string:small", KeyList.format(Datasets.BINARY_KEY)), last.result().get("restored"));
        assertEquals(List.of("not:in:backup"), last.result().get("notInBackup"));
        assertEquals("hello", target.callString("GET", "string:small"));
        assertEquals("on the target", target.callString("GET", "list:small"));
        assertEquals("before", target.callString("GET", "only-on-the-target"));
        target.call("SELECT", "1");
        assertEquals("the same name, in database 1", target.callString("GET", "string:small"));
        assertEquals(List.of(InstanceStatus.RECOVERING_BY_KEY, InstanceStatus.RUNNING), instanceStatuses());
    }

    @Test
    void rewritesTheKeysPatternsMatchInTheDatabasesNamedAndRefusesASelectionOverItsLimit() throws Exception {
        target.call("SET", "string:small", "on the target");
        target.call("SET", "list:small", "on the target");
        target.call("SELECT", "1");
        target.call("SET", "string:small", "on the target, in database 1");
        target.call("SELECT", "0");
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        RecoverKeysCommand command = RecoverKeysCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint(), new RecoverKeysCommand.Selection(List.of("hash:db5".getBytes()),
                        List.of("string:[bs]*".getBytes(), "*:db?".getBytes()), List.of(0, 5), 100), Instant.now());
        assertEquals(2, command.schemaVersion(), "a worker that knows only version 1 would rewrite hash:db5 alone");
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.SUCCEEDED, last.status(), String.valueOf(last.error()));
        assertEquals(List.of("hash:db5", "string:big", "string:bitmap", "string:small"), last.result().get("restored"),
                "named first, then the other matches in index order, in databases 0 and 5 only");
        assertEquals("hello", target.callString("GET", "string:small"));
        assertEquals("on the target", target.callString("GET", "list:small"));
        target.call("SELECT", "1");
        assertEquals("on the target, in database 1", target.callString("GET", "string:small"),
                "database 1 was not named");
        target.call("SELECT", "0");

        target.call("SET", "string:small", "on the target again");
        RecoverKeysCommand tooMany = RecoverKeysCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint(), new RecoverKeysCommand.Selection(List.of(),
                        List.of("*".getBytes()), List.of(), 3), Instant.now());
        send(tooMany);
        TaskStatusChanged refused = awaitEnd(tooMany);
        assertEquals(TaskStatus.FAILED, refused.status());
        assertEquals("TOO_MANY_KEYS", refused.error().code());
        long names = source.valueDigests(0, 1, 5).keySet().stream().map(name -> name.substring(name.indexOf('/') + 1))
                .distinct().count();
        assertTrue(refused.error().message().contains("select " + names + " keys"), refused.error().message());
        assertEquals("on the target again", target.callString("GET", "string:small"), "nothing was changed");
    }

    @Test
    void aKeysRecoveryThatStopsPartWaySaysWhatWasWrittenAndWhatWasNot() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        target.call("ACL", "SETUSER", "strings-only", "on", ">strings-pw", "~string:*", "+@all");
        RecoverKeysCommand command = RecoverKeysCommand.of(UUID.randomUUID(), targetId, backup.backupId(),
                backup.instanceId(), endpoint("strings-only", "strings-pw"),
                RecoverKeysCommand.Selection.ofKeys(List.of("string:small".getBytes(), "list:small".getBytes(),
                        "not:in:backup".getBytes())), Instant.now());
        send(command);

        TaskStatusChanged last = awaitEnd(command);
        assertEquals(TaskStatus.FAILED, last.status());
        assertEquals("RECOVERY_LOAD_FAILED", last.error().code());
        assertEquals(List.of("string:small"), last.result().get("restored"));
        assertEquals(List.of("list:small"), last.result().get("notRestored"));
        assertEquals(List.of("not:in:backup"), last.result().get("notInBackup"));
        assertEquals(List.of(InstanceStatus.RECOVERING_BY_KEY, InstanceStatus.RUNNING), instanceStatuses());
    }

    @Test
    void aLostRecoveryThatHadEmptiedTheInstanceNeverTouchesItAgain() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        RecoverInstanceCommand command = command(backup);
        // an attempt that began to empty the instance, whose worker died long ago
        TaskLedger.Run run = assertInstanceOf(TaskLedger.Run.class,
                ledger.begin(command));
        try (Attempt attempt = run.attempt()) {
            attempt.changingTarget();
        }
        QuarkusTransaction.requiringNew().run(() -> TaskExecution.update("heartbeatAt = ?1 where taskId = ?2",
                Instant.now().minus(Duration.ofHours(1)), command.taskId()));
        target.call("SET", "written-meanwhile", "by the owner");
        String before = target.digest();

        send(command); // redelivered when the worker came back
        TaskStatusChanged last = awaitEnd(command);
        assertEquals(before, target.digest(), "the instance was not touched again");
        assertEquals(TaskStatus.FAILED, last.status());
        assertEquals("WORKER_LOST", last.error().code());
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> instanceStatuses().equals(List.of(InstanceStatus.RECOVERY_FAILED)));

        send(command);
        RecoverInstanceCommand after = command(backup);
        send(after);
        assertEquals(TaskStatus.SUCCEEDED, awaitEnd(after).status());
        assertEquals(1, statuses(command).size(), "nothing ran after the task was declared lost");
        assertEquals(List.of(InstanceStatus.RECOVERY_FAILED, InstanceStatus.RECOVERING_BY_BACKUP_ID,
                InstanceStatus.RUNNING), instanceStatuses());
        assertEquals(source.digest(), target.digest(), "the later recovery ran");
    }

    @Test
    void aLostRecoveryThatHadNotBegunLeavesTheInstanceRunning() throws Exception {
        Manifest backup = StoredBackups.store(store, UUID.randomUUID(), source.saveRdb(dir.resolve("b.rdb")), 10);
        RecoverInstanceCommand command = command(backup);
        assertInstanceOf(TaskLedger.Run.class,
                ledger.begin(command)).attempt()
                .close();
        QuarkusTransaction.requiringNew().run(() -> TaskExecution.update("heartbeatAt = ?1 where taskId = ?2",
                Instant.now().minus(Duration.ofHours(1)), command.taskId()));
        String before = target.digest();

        ledger.sweep();

        assertEquals("WORKER_LOST", awaitEnd(command).error().code());
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> instanceStatuses().equals(List.of(InstanceStatus.RUNNING)));
        assertEquals(before, target.digest());
    }

    private RedisEndpoint endpoint() {
        return endpoint(null, target.password());
    }

    /** The target as the gateway names it in a command: the password sealed for the target at this endpoint. */
    private RedisEndpoint endpoint(String username, String password) {
        SealedSecret sealed = cipher.seal(password, new SealBinding(targetId, target.host(), target.port(), username,
                false));
        return new RedisEndpoint(target.host(), target.port(), username, sealed, false);
    }

    private RecoverInstanceCommand command(Manifest backup) {
        return RecoverInstanceCommand.of(UUID.randomUUID(), targetId, backup.backupId(), backup.instanceId(),
                endpoint(), Instant.now());
    }

    private void send(RestoreWorkerCommand command) {
        kafka.send(Topics.RESTORE_COMMANDS, targetId.toString(), MessageCodec.toJson(command));
    }

    private List<TaskStatusChanged> statuses(RestoreWorkerCommand command) {
        return kafka.readAll(Topics.TASK_STATUS, targetId.toString()).stream()
                .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                .filter(s -> s.taskId().equals(command.taskId())).toList();
    }

    private TaskStatusChanged awaitEnd(RestoreWorkerCommand command) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> statuses(command).stream()
                .filter(s -> s.status().isTerminal()).findFirst().orElse(null), Objects::nonNull);
    }

    private List<InstanceStatus> instanceStatuses() {
        return kafka.readAll(Topics.INSTANCE_STATUS, targetId.toString()).stream()
                .map(json -> MessageCodec.fromJson(json, InstanceStatusChanged.class).status()).toList();
    }
}
