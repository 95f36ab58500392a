package io.redisbackup.backupworker.service;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongConsumer;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupworker.config.BackupWorkerConfig;
import io.redisbackup.backupworker.snapshot.ClusterSnapshots;
import io.redisbackup.backupworker.snapshot.Snapshot;
import io.redisbackup.backupworker.snapshot.SnapshotFailure;
import io.redisbackup.backupworker.snapshot.SnapshotTaker;
import io.redisbackup.contracts.BackupCompleted;
import io.redisbackup.contracts.BackupDeleted;
import io.redisbackup.contracts.BackupFailed;
import io.redisbackup.contracts.BackupStarted;
import io.redisbackup.contracts.DeleteBackupCommand;
import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.taskexecution.Attempt;
import io.redisbackup.taskexecution.EventPublisher;
import io.redisbackup.taskexecution.InstanceLeases;
import io.redisbackup.taskexecution.LeaseWaiter;
import io.redisbackup.taskexecution.Retries;
import io.redisbackup.taskexecution.TaskExecution;
import io.redisbackup.taskexecution.TaskExecutionConfig;
import io.redisbackup.taskexecution.TaskLedger;
import io.redisbackup.taskexecution.TaskReporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Carries out backup commands: takes the snapshot into a staged backup, publishes it whole with its manifest, and
 * reports every step. A command runs once per task, however often it is delivered; an attempt cut short by a dead
 * worker is run again from the start (its staged files are never visible), up to a limit. Only one task changes
 * or reads an instance at a time: a backup that finds another task on its instance waits as DELAYED.
 */
@ApplicationScoped
public class BackupRunner {

    private static final Logger LOG = Logger.getLogger(BackupRunner.class);

    private final TaskLedger ledger;
    private final SnapshotTaker taker;
    private final ClusterSnapshots clusterSnapshots;
    private final BackupStore store;
    private final SecretCipher cipher;
    private final EventPublisher events;
    private final BackupWorkerConfig config;
    private final LeaseWaiter leaseWaiter;
    private final int maxAttempts;
    private final Clock clock;
    /**
     * Each instance's last backup size this worker knows, for the next one's progress and deadline: read from the
     * store once per instance (which lists every backup of it), then kept as this worker publishes.
     */
    private final Map<UUID, Long> lastSizes = new java.util.concurrent.ConcurrentHashMap<>();

    public BackupRunner(TaskLedger ledger, SnapshotTaker taker, ClusterSnapshots clusterSnapshots, BackupStore store, SecretCipher cipher,
            EventPublisher events, BackupWorkerConfig config, LeaseWaiter leaseWaiter,
            TaskExecutionConfig execution, Clock clock) {
        this.ledger = ledger;
        this.taker = taker;
        this.clusterSnapshots = clusterSnapshots;
        this.store = store;
        this.cipher = cipher;
        this.events = events;
        this.config = config;
        this.leaseWaiter = leaseWaiter;
        this.maxAttempts = execution.maxAttempts();
        this.clock = clock;
    }

    public void take(TakeBackupCommand command) throws IOException {
        // a fenced attempt stops: the worker that declared it lost reports it and removes what it left
        ledger.carryOut(command, this::settle, attempt -> take(command, attempt));
    }

    private void take(TakeBackupCommand command, Attempt attempt) throws IOException {
        TaskReporter task = TaskReporter.of(events, clock, command, attempt.number());
        Optional<Manifest> published = store.manifest(command.instanceId(), command.backupId());
        if (published.isPresent()) {
            // an earlier attempt stored the backup and died before saying so
            announce(command, published.get(), task, attempt);
            return;
        }
        InstanceLeases.Lease lease;
        try {
            lease = leaseWaiter.await(command.instanceId(), task, Retries.starting(attempt, maxAttempts,
                    "connecting to the instance"));
        } catch (SQLException e) {
            fail(command, task, attempt, new TaskError("DATABASE_UNAVAILABLE",
                    "Cannot check whether another task is changing the instance: " + e.getMessage()));
            return;
        }
        try (lease) {
            backUp(command, task, attempt);
        }
    }

    private void backUp(TakeBackupCommand command, TaskReporter task, Attempt attempt) {
        // news only (the catalogue shows RUNNING): sent without waiting; the outcome's event follows it in order
        events.publishSoon(Topics.BACKUP_EVENTS, BackupStarted.of(command.taskId(), command.instanceId(),
                command.backupId(), clock.instant()));
        Instant startedAt = clock.instant();
        try (StagedBackup staged = store.stage(command.instanceId(), command.backupId())) {
            // a diskless sync does not say how long the snapshot is: the last backup's size is the best guess
            long expected = lastSize(command.instanceId());
            LongConsumer progress = bytes -> {
                attempt.ensureHeld();
                task.progress(Progress.ofBytes(bytes, expected == 0 ? 0 : Math.max(expected, bytes + 1)),
                        "receiving the snapshot", config.progressInterval());
            };
            InstanceEndpoint source = source(command.instanceId(), command.endpoint());
            Manifest manifest;
            if (command.endpoint().isCluster()) {
                manifest = manifest(command, clusterSnapshots.take(source, command.endpoint().cluster(),
                        command.careOrNone(), staged, progress), startedAt);
            } else {
                Snapshot snapshot;
                try (OutputStream rdb = staged.create(BackupStore.RDB);
                        OutputStream index = staged.create(BackupStore.KEY_INDEX)) {
                    snapshot = taker.take(source, command.careOrNone(), rdb, index, progress, expected);
                }
                manifest = manifest(command, snapshot, startedAt);
            }
            attempt.renew(); // the backup becomes visible only while this attempt still holds the task
            Manifest stored = staged.publish(manifest);
            announce(command, stored, task, attempt);
        } catch (SnapshotFailure failure) {
            Attempt.rethrowIfFenced(failure);
            fail(command, task, attempt, new TaskError(failure.code(), failure.getMessage()));
        } catch (SecretCipher.InvalidSecretException e) {
            fail(command, task, attempt, TaskError.secretUnreadable());
        } catch (IOException e) {
            fail(command, task, attempt, new TaskError(SnapshotFailure.STORAGE, "Cannot store the backup: "
                    + e.getMessage()));
        }
    }

    private long lastSize(UUID instanceId) throws IOException {
        Long known = lastSizes.get(instanceId);
        if (known != null) {
            return known;
        }
        long stored = store.latestManifest(instanceId).map(Manifest::rdbBytes).orElse(0L);
        lastSizes.put(instanceId, stored);
        return stored;
    }

    public void delete(DeleteBackupCommand command) throws IOException {
        ledger.carryOut(command, this::settle, attempt -> {
            TaskReporter task = TaskReporter.of(events, clock, command, attempt.number());
            task.running("deleting the backup's data");
            attempt.renew();
            deleteFiles(command.instanceId(), command.backupId(), command.taskId(), task);
            attempt.finish(TaskExecution.Status.SUCCEEDED);
        });
    }

    private void deleteFiles(UUID instanceId, UUID backupId, UUID taskId, TaskReporter task) throws IOException {
        store.delete(instanceId, backupId);
        events.publish(Topics.BACKUP_EVENTS, BackupDeleted.of(taskId, instanceId, backupId, clock.instant()));
        task.succeeded(null, Map.of("backupId", backupId.toString()));
    }

    /**
     * Reports a task whose worker was lost (of this worker or another one): a backup it had published is announced
     * (the task SUCCEEDED); otherwise whatever it staged is removed and the task and the backup FAILED. A lost
     * deletion is carried out, as deleting again is harmless.
     */
    void onLost(@Observes TaskLedger.LostTask lost) throws IOException {
        settle(lost.execution());
    }

    private void settle(TaskExecution lost) throws IOException {
        TaskReporter task = TaskReporter.forLost(events, clock, lost);
        if (lost.taskType == TaskType.DELETE_BACKUP) {
            deleteFiles(lost.instanceId, lost.backupId, lost.taskId, task);
            ledger.settled(lost.taskId, TaskExecution.Status.SUCCEEDED);
            return;
        }
        Optional<Manifest> published = store.manifest(lost.instanceId, lost.backupId);
        if (published.isPresent()) {
            announce(lost.taskId, lost.instanceId, lost.backupId, published.get(), task);
            ledger.settled(lost.taskId, TaskExecution.Status.SUCCEEDED);
            return;
        }
        store.delete(lost.instanceId, lost.backupId);
        TaskError error = Retries.lost(lost, maxAttempts);
        events.publish(Topics.BACKUP_EVENTS, BackupFailed.of(lost.taskId, lost.instanceId, lost.backupId, error,
                clock.instant()));
        task.failed(error);
        ledger.settled(lost.taskId, TaskExecution.Status.FAILED);
    }

    private void announce(TakeBackupCommand command, Manifest manifest, TaskReporter task, Attempt attempt) {
        announce(command.taskId(), command.instanceId(), command.backupId(), manifest, task);
        attempt.finish(TaskExecution.Status.SUCCEEDED);
    }

    private void announce(UUID taskId, UUID instanceId, UUID backupId, Manifest manifest, TaskReporter task) {
        long rdbBytes = manifest.rdbBytes();
        // a cluster backup has no one RDB: each shard's SHA-256 is in its manifest
        String sha256 = manifest.cluster() ? null : manifest.file(BackupStore.RDB).sha256();
        lastSizes.put(instanceId, rdbBytes);
        BackupCompleted completed = new BackupCompleted(Message.SCHEMA_VERSION, UUID.randomUUID(), taskId, instanceId,
                clock.instant(), backupId, manifest.startedAt(), manifest.finishedAt(), rdbBytes,
                manifest.keyCount(), sha256, manifest.redisVersion(), manifest.rdbVersion(),
                manifest.storedBytes(), shards(manifest));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backupId", backupId.toString());
        result.put("sizeBytes", rdbBytes);
        result.put("keyCount", manifest.keyCount());
        result.put("storedBytes", manifest.storedBytes());
        if (sha256 != null) {
            result.put("sha256", sha256);
        } else {
            result.put("shards", manifest.shards().size());
        }
        // the catalogue's news and the task's, in one round trip to Kafka
        task.succeeded(Progress.ofBytes(rdbBytes, rdbBytes), result,
                new EventPublisher.Outgoing(Topics.BACKUP_EVENTS, completed));
        LOG.infof("Backup %s of instance %s published: %d keys, %d bytes, %d stored", backupId, instanceId,
                manifest.keyCount(), rdbBytes, manifest.storedBytes());
    }

    /** A cluster backup's shards as the catalogue shows them; null for a backup of one server. */
    private static List<BackupCompleted.Shard> shards(Manifest manifest) {
        if (!manifest.cluster()) {
            return null;
        }
        return manifest.shards().stream().map(shard -> {
            Manifest.FileEntry rdb = manifest.file(shard.rdbFile());
            return new BackupCompleted.Shard(shard.index(), shard.slots(), shard.takenFrom(), shard.fromReplica(),
                    shard.snapshotAt(), rdb.sizeBytes(), shard.keyCount(), rdb.sha256());
        }).toList();
    }

    private void fail(TakeBackupCommand command, TaskReporter task, Attempt attempt, TaskError error) {
        attempt.renew(); // a lost attempt's failure is reported by the worker that declared it lost
        events.publish(Topics.BACKUP_EVENTS, BackupFailed.of(command.taskId(), command.instanceId(),
                command.backupId(), error, clock.instant()));
        task.failed(error);
        attempt.finish(TaskExecution.Status.FAILED);
    }

    /** Where to take the snapshot; the password opens only if it was sealed for this instance at this endpoint. */
    private InstanceEndpoint source(UUID instanceId, RedisEndpoint endpoint) {
        return InstanceEndpoint.opened(endpoint, instanceId, cipher);
    }

    /** A cluster backup's manifest: every shard's files, slots, source and time; keys counted over them all. */
    private Manifest manifest(TakeBackupCommand command, List<ClusterSnapshots.ShardSnapshot> taken,
            Instant startedAt) {
        List<Manifest.FileEntry> files = new ArrayList<>();
        List<Manifest.Shard> shards = new ArrayList<>();
        Map<Integer, Long> keysPerDatabase = new TreeMap<>();
        long keys = 0;
        Long datasetMemory = 0L;
        Snapshot newest = taken.get(0).snapshot();
        for (ClusterSnapshots.ShardSnapshot shard : taken) {
            Snapshot s = shard.snapshot();
            files.add(new Manifest.FileEntry(BackupStore.shardRdb(shard.index()), s.rdbBytes(), s.rdbSha256(),
                    s.rdbCrc32c()));
            files.add(new Manifest.FileEntry(BackupStore.shardIndex(shard.index()), s.indexBytes(), s.indexSha256(),
                    s.indexCrc32c()));
            shards.add(new Manifest.Shard(shard.index(), shard.shard().slots().stream()
                    .map(r -> r.first() == r.last() ? String.valueOf(r.first()) : r.first() + "-" + r.last())
                    .toList(), shard.shard().master().id(), shard.takenFrom().toString(), shard.fromReplica(),
                    shard.snapshotAt(), s.redisVersion(), s.rdbVersion(), s.rdbCrc64(), s.keyCount(),
                    s.keysPerDatabase()));
            s.keysPerDatabase().forEach((db, count) -> keysPerDatabase.merge(db, count, Long::sum));
            keys += s.keyCount();
            datasetMemory = datasetMemory == null || s.datasetMemoryBytes() == null ? null
                    : datasetMemory + s.datasetMemoryBytes();
            newest = s.rdbVersion() > newest.rdbVersion() ? s : newest;
        }
        return new Manifest(Manifest.CLUSTER_FORMAT_VERSION, command.instanceId(), command.backupId(), startedAt,
                clock.instant(), newest.redisVersion(), newest.rdbVersion(), null, keys, keysPerDatabase, files,
                null, datasetMemory, shards);
    }

    private Manifest manifest(TakeBackupCommand command, Snapshot snapshot, Instant startedAt) {
        return new Manifest(Manifest.FORMAT_VERSION, command.instanceId(), command.backupId(), startedAt,
                clock.instant(), snapshot.redisVersion(), snapshot.rdbVersion(), snapshot.rdbCrc64(),
                snapshot.keyCount(), snapshot.keysPerDatabase(),
                List.of(new Manifest.FileEntry(BackupStore.RDB, snapshot.rdbBytes(), snapshot.rdbSha256(),
                        snapshot.rdbCrc32c()), new Manifest.FileEntry(BackupStore.KEY_INDEX, snapshot.indexBytes(),
                                snapshot.indexSha256(), snapshot.indexCrc32c())))
                .withDatasetMemory(snapshot.datasetMemoryBytes());
    }
}
