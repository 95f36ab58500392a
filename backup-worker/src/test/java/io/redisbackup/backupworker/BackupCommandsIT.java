package io.redisbackup.backupworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
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
import io.redisbackup.testsupport.RecordingListener;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class BackupCommandsIT {

    static RedisServer source;

    @Inject
    SecretCipher cipher;
    @Inject
    BackupStore store;
    @Inject
    InstanceLeases leases;
    @Inject
    TaskLedger ledger;

    TopicClient kafka;
    final UUID instanceId = UUID.randomUUID();

    @TempDir
    Path dir;

    @BeforeAll
    static void fill() {
        source = RedisServer.start();
        Datasets.everyType(source);
    }

    @AfterAll
    static void stop() {
        source.close();
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
    void takesABackupThatLoadsBackToTheSameDataset() throws IOException {
        TakeBackupCommand command = command(source.port(), source.password());
        send(command);

        BackupCompleted completed = (BackupCompleted) awaitEvent(command, BackupCompleted.class);
        Manifest manifest = store.manifest(instanceId, command.backupId()).orElseThrow();
        assertEquals(completed.sha256(), manifest.file(BackupStore.RDB).sha256());
        assertEquals(manifest.keyCount(), completed.keyCount());
        assertTrue(manifest.datasetMemoryBytes() > 0, "the dataset's memory in the source is kept for dry runs");
        assertEquals("test-key", manifest.sealing().keyId(), "stored encrypted, with the current key");
        assertEquals(manifest.storedBytes(), completed.storedBytes(), "the event reports the bytes as stored");
        Path rdb = dir.resolve("downloaded.rdb");
        try (InputStream in = store.open(manifest, BackupStore.RDB)) {
            Files.copy(in, rdb);
        }
        try (RedisServer restored = RedisServer.startFromRdb(rdb)) {
            assertEquals(source.digest(), restored.digest());
        }

        List<TaskStatusChanged> statuses = statuses(command, 2);
        assertEquals(TaskStatus.RUNNING, statuses.get(0).status());
        assertEquals(TaskStatus.SUCCEEDED, statuses.get(statuses.size() - 1).status());
        for (int i = 1; i < statuses.size(); i++) {
            assertTrue(statuses.get(i).sequence() > statuses.get(i - 1).sequence(), "sequences grow");
        }
        assertTrue(statuses.get(0).sequence() > 1, "above the gateway's PENDING");
    }

    @Test
    void theSameCommandTwiceMakesOneBackup() {
        TakeBackupCommand command = command(source.port(), source.password());
        send(command);
        send(command);
        // the worker takes several commands at once: the second copy waits for the first, then is found done
        awaitEvent(command, BackupCompleted.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files
                .readString(Path.of("target/test-service.log"))
                .contains("Task " + command.taskId() + " was carried out already"));

        long completions = kafka.readAll(Topics.BACKUP_EVENTS, instanceId.toString()).stream()
                .map(json -> MessageCodec.fromJson(json, BackupEvent.class))
                .filter(e -> e instanceof BackupCompleted && e.backupId().equals(command.backupId())).count();
        assertEquals(1, completions);
        long successes = kafka.readAll(Topics.TASK_STATUS, instanceId.toString()).stream()
                .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                .filter(s -> s.taskId().equals(command.taskId()) && s.status() == TaskStatus.SUCCEEDED).count();
        assertEquals(1, successes);
    }

    @Test
    void failsWithAPlainCodeAndStoresNothingWhenTheInstanceIsUnreachable() throws IOException {
        int nothingThere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingThere = socket.getLocalPort();
        }
        TakeBackupCommand command = command(nothingThere, "whatever");
        send(command);

        BackupFailed failed = (BackupFailed) awaitEvent(command, BackupFailed.class);
        assertEquals("INSTANCE_UNREACHABLE", failed.error().code());
        TaskStatusChanged last = statuses(command, 2).get(1);
        assertEquals(TaskStatus.FAILED, last.status());
        assertEquals("INSTANCE_UNREACHABLE", last.error().code());
        assertTrue(store.manifest(instanceId, command.backupId()).isEmpty());
        try (var staging = Files.list(Path.of("target/backups/staging"))) {
            assertFalse(staging.anyMatch(p -> p.getFileName().toString().startsWith(command.backupId().toString())));
        }
    }

    @Test
    void waitsAsDelayedWhileAnotherTaskHoldsTheInstanceThenRuns() throws Exception {
        TakeBackupCommand command = command(source.port(), source.password());
        try (InstanceLeases.Lease recovery = leases.tryAcquire(instanceId).orElseThrow()) {
            send(command);
            // the second DELAYED report comes after the worker tried the instance's lease again and was refused
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> kafka.readAll(Topics.TASK_STATUS, instanceId.toString()).stream()
                            .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                            .filter(s -> s.taskId().equals(command.taskId()) && s.status() == TaskStatus.DELAYED)
                            .count() >= 2);
            assertTrue(store.manifest(instanceId, command.backupId()).isEmpty(), "nothing happens while it waits");
        }

        awaitEvent(command, BackupCompleted.class);
        List<TaskStatusChanged> statuses = statuses(command, 3);
        assertEquals(List.of(TaskStatus.DELAYED, TaskStatus.RUNNING),
                statuses.stream().map(TaskStatusChanged::status).distinct().limit(2).toList());
        String started = statuses.stream().filter(s -> s.status() == TaskStatus.RUNNING).findFirst().orElseThrow().message();
        assertTrue(started.startsWith("Delayed by "), started);
    }

    @Test
    void setsAsideAMessageItCannotRead() {
        kafka.send(Topics.BACKUP_COMMANDS, instanceId.toString(), "{\"messageType\":\"TakeBackupCommand\"");
        assertEquals(1, kafka.await("backup-commands-dlq", instanceId.toString(), 1, Duration.ofSeconds(30)).size());
    }

    @Test
    void neverWritesTheInstancePasswordToATopicOrTheLog() throws IOException {
        TakeBackupCommand command = command(source.port(), source.password());
        send(command);
        awaitEvent(command, BackupCompleted.class);
        for (String topic : List.of(Topics.BACKUP_EVENTS, Topics.TASK_STATUS, Topics.BACKUP_COMMANDS)) {
            for (String value : kafka.readAll(topic, instanceId.toString())) {
                assertFalse(value.contains(source.password()), topic + ": " + value);
            }
        }
        assertFalse(Files.readString(Path.of("target/test-service.log")).contains(source.password()));
    }

    @Test
    void sendsACopiedSealedPasswordNowhereElse() throws Exception {
        SealedSecret copied = command(source.port(), source.password()).endpoint().password();
        try (RecordingListener elsewhere = new RecordingListener()) {
            // a forged command: the sealed password of this instance, another host and port
            TakeBackupCommand forged = TakeBackupCommand.of(UUID.randomUUID(), instanceId, UUID.randomUUID(),
                    BackupType.MANUAL, Trigger.MANUAL, new RedisEndpoint("127.0.0.1", elsewhere.port(), null, copied,
                            false), null, Instant.now());
            send(forged);
            BackupFailed failed = (BackupFailed) awaitEvent(forged, BackupFailed.class);
            assertEquals("SECRET_UNREADABLE", failed.error().code());
            assertEquals("SECRET_UNREADABLE", statuses(forged, 2).get(1).error().code());
            // the same seal in a command for another instance at the right endpoint opens no more
            TakeBackupCommand otherInstance = TakeBackupCommand.of(UUID.randomUUID(), UUID.randomUUID(),
                    UUID.randomUUID(), BackupType.MANUAL, Trigger.MANUAL,
                    new RedisEndpoint("127.0.0.1", source.port(), null, copied, false), null, Instant.now());
            kafka.send(Topics.BACKUP_COMMANDS, otherInstance.instanceId().toString(), MessageCodec.toJson(otherInstance));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> kafka
                    .readAll(Topics.BACKUP_EVENTS, otherInstance.instanceId().toString()).stream()
                    .anyMatch(json -> json.contains("SECRET_UNREADABLE")));
            assertEquals(0, elsewhere.connections(), "the worker connected to the forged endpoint");
        }
    }

    @Test
    void anAttemptOvertakenByARedeliveryMayNotActAnyMore() {
        TakeBackupCommand command = command(source.port(), source.password());
        Attempt first = run(ledger.begin(command));
        Attempt second = run(ledger.begin(command));
        try (first; second) {
            assertEquals(2, second.number());
            assertThrows(Attempt.Fenced.class, first::renew);
            assertFalse(first.finish(TaskExecution.Status.SUCCEEDED), "an overtaken attempt records no outcome");
            second.renew();
            assertTrue(second.finish(TaskExecution.Status.SUCCEEDED));
        }
        assertInstanceOf(TaskLedger.Done.class,
                ledger.begin(command));
    }

    @Test
    void aTaskWhoseWorkerStoppedAsOftenAsAllowedIsLost() {
        TakeBackupCommand command = command(source.port(), source.password());
        for (int attempt = 1; attempt <= 3; attempt++) { // task-execution.max-attempts
            run(ledger.begin(command)).close();
        }
        send(command); // the fourth delivery

        BackupFailed failed = (BackupFailed) awaitEvent(command, BackupFailed.class);
        assertEquals("WORKER_LOST", failed.error().code());
        assertTrue(failed.error().message().contains("started 3 times"), failed.error().message());
        assertEquals(TaskStatus.FAILED, statuses(command, 1).get(0).status());
    }

    @Test
    void aLostBackupFailsLeavesNothingAndNeverRuns() throws IOException {
        TakeBackupCommand command = command(source.port(), source.password());
        // an attempt whose worker died long ago, mid-transfer
        run(ledger.begin(command)).close();
        ageHeartbeat(command.taskId());
        Path leftover = Files.createDirectories(Path.of("target/backups/staging", command.backupId() + "-1234"));
        Files.write(leftover.resolve(BackupStore.RDB), new byte[] { 'R', 'E', 'D', 'I', 'S' });

        send(command); // redelivered
        BackupFailed failed = (BackupFailed) awaitEvent(command, BackupFailed.class);
        assertEquals("WORKER_LOST", failed.error().code());
        TaskStatusChanged last = statuses(command, 1).get(0);
        assertEquals(TaskStatus.FAILED, last.status());
        assertEquals("WORKER_LOST", last.error().code());
        assertEquals(1, last.attempt());
        assertTrue(last.sequence() > 1_999_000 && last.sequence() < 2_000_000, "above every event of attempt 1");
        assertFalse(Files.exists(leftover), "the lost attempt's staged files are removed");
        assertTrue(store.manifest(instanceId, command.backupId()).isEmpty());

        send(command); // and again: nothing runs
        TakeBackupCommand after = command(source.port(), source.password());
        send(after);
        awaitEvent(after, BackupCompleted.class);
        List<String> events = kafka.readAll(Topics.TASK_STATUS, instanceId.toString()).stream()
                .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                .filter(s -> s.taskId().equals(command.taskId())).map(s -> s.status().name()).toList();
        assertEquals(List.of("FAILED"), events, "no attempt ran after the task was declared lost");
        assertTrue(store.manifest(instanceId, command.backupId()).isEmpty());
    }

    @Test
    void theSweeperReportsALostAttemptThatNoCommandBringsBack() {
        TakeBackupCommand command = command(source.port(), source.password());
        run(ledger.begin(command)).close();
        ageHeartbeat(command.taskId());

        ledger.sweep();

        assertEquals("WORKER_LOST", ((BackupFailed) awaitEvent(command, BackupFailed.class)).error().code());
        assertEquals(TaskStatus.FAILED, statuses(command, 1).get(0).status());
        assertInstanceOf(TaskLedger.Done.class,
                ledger.begin(command));
    }

    @Test
    void aLostBackupThatWasPublishedIsAnnounced() throws IOException {
        TakeBackupCommand taken = command(source.port(), source.password());
        send(taken);
        awaitEvent(taken, BackupCompleted.class);
        // a worker that published this backup and died before it said so
        TakeBackupCommand command = TakeBackupCommand.of(UUID.randomUUID(), instanceId, UUID.randomUUID(),
                BackupType.MANUAL, Trigger.MANUAL, taken.endpoint(), null, Instant.now());
        run(ledger.begin(command)).close();
        Path published = Path.of("target/backups/instances", instanceId.toString());
        copyTree(published.resolve(taken.backupId().toString()), published.resolve(command.backupId().toString()));
        ageHeartbeat(command.taskId());

        ledger.sweep();

        awaitEvent(command, BackupCompleted.class);
        assertEquals(TaskStatus.SUCCEEDED, statuses(command, 1).get(0).status());
    }

    @Test
    void aSourceWithoutMemoryForTheForkIsLeftAloneWithTheReason() throws IOException {
        long rss = Long.parseLong(info(source, "memory", "used_memory_rss"));
        String forks = info(source, "stats", "total_forks");
        // the container it runs in may use no more than it holds now: a fork's copies would not fit
        TakeBackupCommand command = command(source.port(), source.password(), new SourceCare(rss, null));
        send(command);

        BackupFailed failed = (BackupFailed) awaitEvent(command, BackupFailed.class);
        assertEquals("SOURCE_MEMORY_LOW", failed.error().code());
        assertTrue(failed.error().message().contains("memoryLimitBytes"), failed.error().message());
        List<TaskStatusChanged> statuses = statuses(command, 2);
        assertEquals("SOURCE_MEMORY_LOW", statuses.get(statuses.size() - 1).error().code());
        assertEquals(forks, info(source, "stats", "total_forks"), "nothing was forked");
        assertTrue(store.manifest(instanceId, command.backupId()).isEmpty());
    }

    @Test
    void aServerThatBuffersWritesForTheSnapshotIsLeftAloneWhenTheyWouldPassItsLimit() throws Exception {
        // a Redis 7 that cannot be told rdb-only behaves as servers before 7 do: it buffers every write for us
        try (RedisServer old = RedisServer.start("--rename-command", "REPLCONF", "REPLCONF-" + UUID.randomUUID(),
                "--client-output-buffer-limit", "replica 1mb 512kb 10");
                Writes writes = new Writes(old)) {
            Datasets.everyType(old);
            old.call("DEBUG", "POPULATE", "20000", "bulk", "512");
            writes.awaitRate(1 << 20);
            String forks = info(old, "stats", "total_forks");
            // at 1 MiB/s, the 10+ MiB snapshot takes long enough for the writes to pass 1 MiB
            TakeBackupCommand limited = command(old.port(), old.password(), new SourceCare(null, 1L << 20));
            send(limited);

            BackupFailed failed = (BackupFailed) awaitEvent(limited, BackupFailed.class);
            assertEquals("SOURCE_BUFFER_LIMIT", failed.error().code(), failed.error().message());
            assertTrue(failed.error().message().contains("rdb-only"), failed.error().message());
            assertEquals(forks, info(old, "stats", "total_forks"), "nothing was forked");

            // without a limit to pass, the same server is backed up, the writes going on
            old.call("CONFIG", "SET", "client-output-buffer-limit", "replica 0 0 0");
            TakeBackupCommand unlimited = command(old.port(), old.password());
            send(unlimited);
            BackupCompleted completed = (BackupCompleted) awaitEvent(unlimited, BackupCompleted.class);
            assertTrue(completed.keyCount() > 20000, "keys: " + completed.keyCount());
        }
    }

    @Test
    void aRateLimitedBackupReadsNoFasterThanItsLimit() throws IOException {
        try (RedisServer big = RedisServer.start()) {
            fillRandom(big, 6000); // some 6 MB of RDB
            long rate = 2L << 20;
            TakeBackupCommand command = command(big.port(), big.password(), new SourceCare(null, rate));
            send(command);

            BackupCompleted completed = (BackupCompleted) awaitEvent(command, BackupCompleted.class);
            assertEquals(6000, completed.keyCount());
            assertTrue(completed.sizeBytes() > 6_000_000, "RDB of " + completed.sizeBytes() + " bytes");
            double seconds = Duration.between(completed.startedAt(), completed.finishedAt()).toMillis() / 1000.0;
            double floor = 0.9 * completed.sizeBytes() / rate;
            assertTrue(seconds >= floor, "took " + seconds + " s for " + completed.sizeBytes() + " bytes; at "
                    + rate + " bytes a second it takes at least " + floor + " s");
        }
    }

    @Test
    void backsUpSeveralInstancesAtOnceAndTheTasksOfOneInstanceOneAfterTheOther() throws Exception {
        List<RedisServer> servers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                servers.add(RedisServer.start());
                fillRandom(servers.get(i), 2500); // 2.5 MB each: at 1 MiB/s, some 2.4 s a backup
            }
            SourceCare slow = new SourceCare(null, 1L << 20);
            List<TakeBackupCommand> commands = new java.util.ArrayList<>();
            for (RedisServer server : servers) {
                commands.add(commandFor(UUID.randomUUID(), server, slow));
            }
            TakeBackupCommand again = commandFor(commands.get(0).instanceId(), servers.get(0), slow);
            commands.add(again);
            for (TakeBackupCommand command : commands) {
                kafka.send(Topics.BACKUP_COMMANDS, command.instanceId().toString(), MessageCodec.toJson(command));
            }

            List<BackupCompleted> done = new java.util.ArrayList<>();
            for (TakeBackupCommand command : commands) {
                done.add((BackupCompleted) awaitEvent(command, BackupCompleted.class));
            }
            // the three instances' first backups ran side by side: each began before any other ended
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertTrue(done.get(i).startedAt().isBefore(done.get(j).finishedAt()),
                            "backup " + i + " began after backup " + j + " ended: " + done);
                }
            }
            // the same instance's two backups did not overlap: whichever began second began after the other ended
            BackupCompleted first = done.get(0).startedAt().isBefore(done.get(3).startedAt()) ? done.get(0) : done.get(3);
            BackupCompleted second = first == done.get(0) ? done.get(3) : done.get(0);
            assertFalse(second.startedAt().isBefore(first.finishedAt()), done.toString());
        } finally {
            servers.forEach(RedisServer::close);
        }
    }

    private static void fillRandom(RedisServer server, int keys) {
        java.util.Random random = new java.util.Random(keys);
        for (int i = 0; i < keys; i++) {
            byte[] value = new byte[1000];
            random.nextBytes(value); // that LZF cannot shrink
            server.call("SET", "random:" + i, value);
        }
    }

    private TakeBackupCommand commandFor(UUID instance, RedisServer server, SourceCare care) {
        SealedSecret sealed = cipher.seal(server.password(), new SealBinding(instance, "127.0.0.1", server.port(),
                null, false));
        return TakeBackupCommand.of(UUID.randomUUID(), instance, UUID.randomUUID(), BackupType.MANUAL, Trigger.MANUAL,
                new RedisEndpoint("127.0.0.1", server.port(), null, sealed, false), care, Instant.now());
    }

    private BackupEvent awaitEvent(TakeBackupCommand command, Class<? extends BackupEvent> kind) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(
                () -> kafka.readAll(Topics.BACKUP_EVENTS, command.instanceId().toString()).stream()
                        .map(json -> MessageCodec.fromJson(json, BackupEvent.class))
                        .filter(e -> e.backupId().equals(command.backupId()) && kind.isInstance(e))
                        .findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    /** One field of the server's INFO, asked over a connection of its own. */
    private static String info(RedisServer server, String section, String field) {
        return server.callString("INFO", section).lines().filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).trim()).findFirst().orElseThrow();
    }

    /** Writes 4 KiB values into a server, as fast as one connection goes, until closed. */
    private static final class Writes implements AutoCloseable {
        private final RedisServer server;
        private final Thread writer;
        private volatile boolean stopped;

        Writes(RedisServer server) {
            this.server = server;
            byte[] value = new byte[4096];
            this.writer = Thread.ofPlatform().daemon().start(() -> {
                try (var connection = server.authenticatedConnection()) {
                    for (long i = 0; !stopped; i++) {
                        connection.call("SET", "written:" + (i % 1000), value);
                    }
                } catch (Exception e) {
                    if (!stopped) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }

        /** Until the server says it takes at least this many bytes a second. */
        void awaitRate(long bytesPerSecond) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Double
                    .parseDouble(info(server, "stats", "instantaneous_input_kbps")) * 1024 >= bytesPerSecond);
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            writer.join(10_000);
        }
    }

    private static Attempt run(TaskLedger.Start start) {
        return assertInstanceOf(TaskLedger.Run.class, start).attempt();
    }

    private static void ageHeartbeat(UUID taskId) {
        QuarkusTransaction.requiringNew().run(() -> TaskExecution.update("heartbeatAt = ?1 where taskId = ?2",
                Instant.now().minus(Duration.ofHours(1)), taskId));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private TakeBackupCommand command(int port, String password) {
        return command(port, password, SourceCare.NONE);
    }

    private TakeBackupCommand command(int port, String password, SourceCare care) {
        SealedSecret sealed = cipher.seal(password, new SealBinding(instanceId, "127.0.0.1", port, null, false));
        return TakeBackupCommand.of(UUID.randomUUID(), instanceId, UUID.randomUUID(), BackupType.MANUAL, Trigger.MANUAL,
                new RedisEndpoint("127.0.0.1", port, null, sealed, false), care, Instant.now());
    }

    private void send(TakeBackupCommand command) {
        kafka.send(Topics.BACKUP_COMMANDS, instanceId.toString(), MessageCodec.toJson(command));
    }

    private List<TaskStatusChanged> statuses(TakeBackupCommand command, int atLeast) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(
                () -> kafka.readAll(Topics.TASK_STATUS, instanceId.toString()).stream()
                        .map(json -> MessageCodec.fromJson(json, TaskStatusChanged.class))
                        .filter(s -> s.taskId().equals(command.taskId())).toList(),
                list -> list.size() >= atLeast && list.get(list.size() - 1).status().isTerminal());
    }
}
