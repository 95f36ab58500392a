package io.redisbackup.backupworker.service;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupworker.config.BackupWorkerConfig;
import io.redisbackup.backupworker.snapshot.Snapshot;
import io.redisbackup.backupworker.snapshot.SnapshotFailure;
import io.redisbackup.backupworker.snapshot.SnapshotSource;
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
import io.redisbackup.instancelease.InstanceLeases;
import io.redisbackup.taskexecution.EventPublisher;
import io.redisbackup.taskexecution.Executions;
import io.redisbackup.taskexecution.LeaseWaiter;
import io.redisbackup.taskexecution.TaskExecution;
import io.redisbackup.taskexecution.TaskReporter;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Carries out backup commands: takes the snapshot into a staged backup, publishes it whole with its manifest, and
 * reports every step. A command runs once per task, however often it is delivered; an attempt cut short by a dead
 * worker is run again from the start (its staged files are never visible), up to a limit. Only one task changes
 * or reads an instance at a time: a backup that finds another task on its instance waits as DELAYED.
 */
@ApplicationScoped
public class BackupRunner {

    private static final Logger LOG = Logger.getLogger(BackupRunner.class);

    private final Executions executions;
    private final SnapshotTaker taker;
    private final BackupStore store;
    private final SecretCipher cipher;
    private final EventPublisher events;
    private final BackupWorkerConfig config;
    private final LeaseWaiter leaseWaiter;
    private final Clock clock;

    public BackupRunner(Executions executions, SnapshotTaker taker, BackupStore store, SecretCipher cipher,
            EventPublisher events, BackupWorkerConfig config, InstanceLeases leases, Clock clock) {
        this.executions = executions;
        this.taker = taker;
        this.store = store;
        this.cipher = cipher;
        this.events = events;
        this.config = config;
        this.leaseWaiter = new LeaseWaiter(leases, clock, config.leaseRetryInterval(), config.delayReportInterval());
        this.clock = clock;
    }

    public void take(TakeBackupCommand command) throws IOException {
        Optional<Integer> attempt = executions.begin(command, command.backupId());
        if (attempt.isEmpty()) {
            LOG.infof("Task %s was carried out already; the repeated command is ignored", command.taskId());
            return;
        }
        TaskReporter task = new TaskReporter(events, clock, command.taskId(), command.instanceId(), command.backupId(),
                TaskType.BACKUP, command.trigger(), attempt.get());
        Optional<Manifest> published = store.manifest(command.instanceId(), command.backupId());
        if (published.isPresent()) {
            // an earlier attempt stored the backup and died before saying so
            announce(command, published.get(), task);
            return;
        }
        if (attempt.get() > config.maxAttempts()) {
            fail(command, task, new TaskError("WORKER_LOST", "The backup was started " + config.maxAttempts()
                    + " times and its worker stopped each time."));
            return;
        }

        InstanceLeases.Lease lease;
        try {
            lease = leaseWaiter.await(command.instanceId(), task, "connecting to the instance");
        } catch (SQLException e) {
            fail(command, task, new TaskError("DATABASE_UNAVAILABLE",
                    "Cannot check whether another task is changing the instance: " + e.getMessage()));
            return;
        }
        try (lease) {
            backUp(command, task);
        }
    }

    private void backUp(TakeBackupCommand command, TaskReporter task) {
        events.publish(Topics.BACKUP_EVENTS, BackupStarted.of(command.taskId(), command.instanceId(),
                command.backupId(), clock.instant()));
        Instant startedAt = clock.instant();
        Snapshot snapshot;
        try (StagedBackup staged = store.stage(command.instanceId(), command.backupId())) {
            // a diskless sync does not say how long the snapshot is: the last backup's size is the best guess
            long expected = store.latestManifest(command.instanceId())
                    .map(m -> m.file(BackupStore.RDB).sizeBytes()).orElse(0L);
            try (OutputStream rdb = staged.create(BackupStore.RDB);
                    OutputStream index = staged.create(BackupStore.KEY_INDEX)) {
                snapshot = taker.take(source(command.instanceId(), command.endpoint()), rdb, index,
                        bytes -> task.progress(Progress.ofBytes(bytes, expected == 0 ? 0 : Math.max(expected, bytes + 1)),
                                "receiving the snapshot", config.progressInterval()));
            }
            Manifest manifest = manifest(command, snapshot, startedAt);
            staged.publish(manifest);
            announce(command, manifest, task);
        } catch (SnapshotFailure failure) {
            fail(command, task, new TaskError(failure.code(), failure.getMessage()));
        } catch (SecretCipher.InvalidSecretException e) {
            fail(command, task, TaskError.secretUnreadable());
        } catch (IOException e) {
            fail(command, task, new TaskError(SnapshotFailure.STORAGE, "Cannot store the backup: " + e.getMessage()));
        }
    }

    public void delete(DeleteBackupCommand command) throws IOException {
        Optional<Integer> attempt = executions.begin(command, command.backupId());
        if (attempt.isEmpty()) {
            return;
        }
        TaskReporter task = new TaskReporter(events, clock, command.taskId(), command.instanceId(), command.backupId(),
                TaskType.DELETE_BACKUP, command.trigger(), attempt.get());
        task.running("deleting the backup's data");
        store.delete(command.instanceId(), command.backupId());
        events.publish(Topics.BACKUP_EVENTS, BackupDeleted.of(command.taskId(), command.instanceId(),
                command.backupId(), clock.instant()));
        task.succeeded(null, Map.of("backupId", command.backupId().toString()));
        executions.finish(command.taskId(), TaskExecution.Status.SUCCEEDED);
    }

    private void announce(TakeBackupCommand command, Manifest manifest, TaskReporter task) {
        Manifest.FileEntry rdb = manifest.file(BackupStore.RDB);
        events.publish(Topics.BACKUP_EVENTS, new BackupCompleted(Message.SCHEMA_VERSION, java.util.UUID.randomUUID(),
                command.taskId(), command.instanceId(), clock.instant(), command.backupId(), manifest.startedAt(),
                manifest.finishedAt(), rdb.sizeBytes(), manifest.keyCount(), rdb.sha256(), manifest.redisVersion(),
                manifest.rdbVersion()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backupId", command.backupId().toString());
        result.put("sizeBytes", rdb.sizeBytes());
        result.put("keyCount", manifest.keyCount());
        result.put("sha256", rdb.sha256());
        task.succeeded(Progress.ofBytes(rdb.sizeBytes(), rdb.sizeBytes()), result);
        executions.finish(command.taskId(), TaskExecution.Status.SUCCEEDED);
        LOG.infof("Backup %s of instance %s published: %d keys, %d bytes", command.backupId(), command.instanceId(),
                manifest.keyCount(), rdb.sizeBytes());
    }

    private void fail(TakeBackupCommand command, TaskReporter task, TaskError error) {
        events.publish(Topics.BACKUP_EVENTS, BackupFailed.of(command.taskId(), command.instanceId(),
                command.backupId(), error, clock.instant()));
        task.failed(error);
        executions.finish(command.taskId(), TaskExecution.Status.FAILED);
    }

    /** Where to take the snapshot; the password opens only if it was sealed for this instance at this endpoint. */
    private SnapshotSource source(java.util.UUID instanceId, RedisEndpoint endpoint) {
        return new SnapshotSource(endpoint.host(), endpoint.port(), endpoint.username(),
                cipher.open(endpoint.password(), endpoint.binding(instanceId)), endpoint.tls());
    }

    private Manifest manifest(TakeBackupCommand command, Snapshot snapshot, Instant startedAt) {
        return new Manifest(Manifest.FORMAT_VERSION, command.instanceId(), command.backupId(), startedAt,
                clock.instant(), snapshot.redisVersion(), snapshot.rdbVersion(), snapshot.rdbCrc64(),
                snapshot.keyCount(), snapshot.keysPerDatabase(),
                List.of(new Manifest.FileEntry(BackupStore.RDB, snapshot.rdbBytes(), snapshot.rdbSha256(),
                        snapshot.rdbCrc32c()), new Manifest.FileEntry(BackupStore.KEY_INDEX, snapshot.indexBytes(),
                                snapshot.indexSha256(), snapshot.indexCrc32c())));
    }
}
