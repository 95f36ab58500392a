package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.restoreworker.recovery.BackupVerifier;
import io.redisbackup.restoreworker.recovery.InstanceLoader;
import io.redisbackup.restoreworker.recovery.KeysLoader;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.restoreworker.recovery.RecoveryTarget;
import io.redisbackup.restoreworker.recovery.RedisVersions;
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
import redis.clients.jedis.Jedis;

/**
 * Carries out recovery commands. Nothing on the target changes until the backup is checked (for a whole instance:
 * size, SHA-256 and its own CRC64, read end to end; for chosen keys: the CRCs of the index blocks and of every entry
 * to be written), the instance's lease is held and the target's Redis is known to load the backup's RDB version.
 * The instance shows {@code Recovering Backup by Backup ID} or {@code Recovering Backup by Key} while its data is
 * rewritten, and {@code Running} again when the recovery ends, or {@code Recovery Failed} when a whole-instance
 * recovery stopped after it began to empty the instance; a failure says how far the recovery got. Every write to
 * the instance is preceded by a renewal of the attempt, so an attempt declared lost never touches it again.
 */
@ApplicationScoped
public class RecoveryRunner {

    private static final Logger LOG = Logger.getLogger(RecoveryRunner.class);

    private final TaskLedger ledger;
    private final BackupStore store;
    private final BackupVerifier verifier;
    private final InstanceLoader loader;
    private final KeysLoader keysLoader;
    private final SecretCipher cipher;
    private final EventPublisher events;
    private final LeaseWaiter leaseWaiter;
    private final RestoreWorkerConfig config;
    private final int maxAttempts;
    private final Clock clock;

    public RecoveryRunner(TaskLedger ledger, BackupStore store, BackupVerifier verifier, InstanceLoader loader,
            KeysLoader keysLoader, SecretCipher cipher, EventPublisher events, LeaseWaiter leaseWaiter,
            RestoreWorkerConfig config, TaskExecutionConfig execution, Clock clock) {
        this.ledger = ledger;
        this.store = store;
        this.verifier = verifier;
        this.loader = loader;
        this.keysLoader = keysLoader;
        this.cipher = cipher;
        this.events = events;
        this.leaseWaiter = leaseWaiter;
        this.config = config;
        this.maxAttempts = execution.maxAttempts();
        this.clock = clock;
    }

    public void recover(RestoreWorkerCommand command) {
        TaskType type = command instanceof RecoverKeysCommand ? TaskType.RECOVER_KEYS : TaskType.RECOVER_INSTANCE;
        switch (ledger.begin(command, command.backupId(), type, command.trigger())) {
            case TaskLedger.Done done ->
                LOG.infof("Task %s was carried out already; the repeated command is ignored", command.taskId());
            case TaskLedger.Lost lost -> settle(lost.execution());
            case TaskLedger.Run run -> {
                try (Attempt attempt = run.attempt()) {
                    recover(command, type, attempt);
                } catch (Attempt.Fenced fenced) {
                    // the worker that declared it lost reports it; this one must not touch the instance again
                    LOG.warn(fenced.getMessage());
                }
            }
        }
    }

    private void recover(RestoreWorkerCommand command, TaskType type, Attempt attempt) {
        TaskReporter task = new TaskReporter(events, clock, command.taskId(), command.instanceId(), command.backupId(),
                type, command.trigger(), attempt.number());
        try {
            Manifest manifest = store.manifest(command.sourceInstanceId(), command.backupId())
                    .orElseThrow(() -> new RecoveryFailure(RecoveryFailure.BACKUP_MISSING,
                            "Backup " + command.backupId() + " is not in storage."));
            List<byte[]> keys = command instanceof RecoverKeysCommand asked ? keysOf(asked) : null;
            if (keys == null) {
                verifier.verify(manifest);
            }
            try (InstanceLeases.Lease lease = leaseWaiter.await(command.instanceId(), task,
                    Retries.starting(attempt, maxAttempts, "checking the target instance"));
                    Jedis target = connect(command, manifest)) {
                Finished finished = keys == null ? replaceDataset(command, manifest, target, task, attempt)
                        : rewriteKeys(command, keys, manifest, target, task, attempt);
                attempt.renew(); // a lost attempt's end is reported by the worker that declared it lost
                instanceStatus(command.taskId(), command.instanceId(), InstanceStatus.RUNNING);
                task.succeeded(finished.progress(), finished.result());
            }
            attempt.finish(TaskExecution.Status.SUCCEEDED);
        } catch (RecoveryFailure failure) {
            Attempt.rethrowIfFenced(failure);
            TaskError error = new TaskError(failure.code(), failure.getMessage());
            if (RecoveryFailure.BACKUP_CORRUPT.equals(failure.code())) {
                // every finding of damage is written back: nobody recovers from it or downloads it again
                events.publish(Topics.BACKUP_EVENTS, BackupCorrupted.of(command.taskId(), command.sourceInstanceId(),
                        command.backupId(), error, clock.instant()));
            }
            fail(command, task, attempt, error, failure.result());
        } catch (SecretCipher.InvalidSecretException e) {
            fail(command, task, attempt, TaskError.secretUnreadable(), null);
        } catch (IOException | SQLException e) {
            fail(command, task, attempt, new TaskError("STORAGE_ERROR", "Cannot read the backup or its record: "
                    + e.getMessage()), null);
        }
    }

    /**
     * Reports a recovery whose worker was lost (this worker's or another's): the task FAILED, and the instance
     * {@code Recovery Failed} if a whole-instance recovery had begun to empty it, else {@code Running}.
     */
    void onLost(@Observes TaskLedger.LostTask lost) {
        settle(lost.execution());
    }

    private void settle(TaskExecution lost) {
        TaskReporter.forLost(events, clock, lost).failed(Retries.lost(lost, maxAttempts));
        instanceStatus(lost.taskId, lost.instanceId, afterFailure(lost.taskType, lost.targetChangedAt != null));
        ledger.settled(lost.taskId, TaskExecution.Status.FAILED);
    }

    /** An instance whose whole dataset a failed recovery began to replace may hold part of the backup: it says so. */
    private static InstanceStatus afterFailure(TaskType type, boolean targetChanged) {
        return type == TaskType.RECOVER_INSTANCE && targetChanged ? InstanceStatus.RECOVERY_FAILED
                : InstanceStatus.RUNNING;
    }

    /** The target, reachable, and able to load the backup's RDB version. */
    private Jedis connect(RestoreWorkerCommand command, Manifest manifest) throws RecoveryFailure {
        RecoveryTarget target = target(command);
        Jedis jedis = target.connect(config.targetTimeout());
        try {
            String version = target.redisVersion(jedis);
            if (RedisVersions.maxRdbVersion(version) < manifest.rdbVersion()) {
                throw new RecoveryFailure(RecoveryFailure.TARGET_TOO_OLD, "The instance runs Redis " + version
                        + ", which cannot load this backup (RDB version " + manifest.rdbVersion() + ", from Redis "
                        + manifest.redisVersion() + "). Nothing was changed on the instance.");
            }
            return jedis;
        } catch (RecoveryFailure | RuntimeException e) {
            jedis.close();
            throw e;
        }
    }

    private RecoveryTarget target(RestoreWorkerCommand command) {
        return new RecoveryTarget(command.target().host(), command.target().port(), command.target().username(),
                cipher.open(command.target().password(), command.target().binding(command.instanceId())),
                command.target().tls());
    }

    /** What a recovery that succeeded reports. */
    private record Finished(Progress progress, Map<String, Object> result) {
    }

    private static List<byte[]> keysOf(RecoverKeysCommand command) throws RecoveryFailure {
        try {
            return command.keys();
        } catch (IllegalArgumentException e) {
            throw new RecoveryFailure("INVALID_COMMAND", "The command names a key that is not Base64; nothing was done.");
        }
    }

    private Finished replaceDataset(RestoreWorkerCommand command, Manifest manifest, Jedis jedis, TaskReporter task,
            Attempt attempt) throws RecoveryFailure, IOException {
        attempt.changingTarget();
        instanceStatus(command.taskId(), command.instanceId(), InstanceStatus.RECOVERING_BY_BACKUP_ID);
        task.progress(Progress.ofKeys(0, manifest.keyCount()), "emptying the instance and loading "
                + manifest.keyCount() + " keys");
        long[] loaded = { 0 };
        try (InputStream rdb = store.open(command.sourceInstanceId(), command.backupId(), BackupStore.RDB)) {
            InstanceLoader.Loaded done = loader.replaceAll(rdb, manifest.file(BackupStore.RDB).sizeBytes(), jedis,
                    target(command), config.targetTimeout(), keys -> {
                loaded[0] = keys;
                attempt.ensureHeld();
                task.progress(Progress.ofKeys(keys, manifest.keyCount()), "loading keys", config.progressInterval());
            });
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("backupId", command.backupId().toString());
            result.put("keysRestored", done.restored());
            result.put("keysExpired", done.expired());
            result.put("functionLibraries", done.functions());
            LOG.infof("Instance %s recovered from backup %s: %d keys, %d expired left out", command.instanceId(),
                    command.backupId(), done.restored(), done.expired());
            return new Finished(Progress.ofKeys(manifest.keyCount(), manifest.keyCount()), result);
        } catch (RecoveryFailure failure) {
            Attempt.rethrowIfFenced(failure);
            throw new RecoveryFailure(failure.code(), "The instance was emptied and " + loaded[0] + " of "
                    + manifest.keyCount() + " keys were loaded before the recovery stopped: " + failure.getMessage(),
                    failure);
        }
    }

    private Finished rewriteKeys(RestoreWorkerCommand command, List<byte[]> keys, Manifest manifest, Jedis jedis,
            TaskReporter task, Attempt attempt) throws RecoveryFailure, IOException {
        try (KeyIndexReader index = KeyIndexReader.open(store.openChannel(command.sourceInstanceId(),
                command.backupId(), BackupStore.KEY_INDEX));
                SeekableByteChannel rdb = store.openChannel(command.sourceInstanceId(), command.backupId(),
                        BackupStore.RDB)) {
            KeysLoader.Plan plan = keysLoader.plan(index, rdb, keys);
            attempt.changingTarget();
            instanceStatus(command.taskId(), command.instanceId(), InstanceStatus.RECOVERING_BY_KEY);
            int total = plan.found().size();
            task.progress(Progress.ofKeys(0, total), "rewriting " + total + " of the " + keys.size() + " keys asked for");
            KeysLoader.Restored done;
            try {
                done = keysLoader.restore(plan, rdb, manifest.rdbVersion(), jedis,
                        written -> {
                            attempt.ensureHeld();
                            task.progress(Progress.ofKeys(written, total), "rewriting keys");
                        });
            } catch (KeysLoader.Stopped stopped) {
                throw stopped.withResult(keysResult(command, stopped.done().restored(), plan.notInBackup(),
                        expired(plan, stopped.done()), notRestored(plan, stopped.done())));
            }
            List<byte[]> expired = expired(plan, done);
            LOG.infof("Instance %s: %d keys rewritten from backup %s, %d not in it, %d expired", command.instanceId(),
                    done.restored().size(), command.backupId(), plan.notInBackup().size(), expired.size());
            return new Finished(Progress.ofKeys(done.restored().size(), total),
                    keysResult(command, done.restored(), plan.notInBackup(), expired, null));
        } catch (DamagedBackupException e) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_CORRUPT, "The backup's key index is damaged: "
                    + e.getMessage() + ". Nothing was changed on the instance.", e);
        }
    }

    /** The keys whose expiry had passed: when the plan was made, or by the time they were to be written. */
    private static List<byte[]> expired(KeysLoader.Plan plan, KeysLoader.Restored done) {
        List<byte[]> expired = new java.util.ArrayList<>(plan.expired());
        expired.addAll(done.expired());
        return expired;
    }

    /** The keys the backup holds that a stopped recovery did not write (the loader hands back the plan's arrays). */
    private static List<byte[]> notRestored(KeysLoader.Plan plan, KeysLoader.Restored done) {
        List<byte[]> rest = new java.util.ArrayList<>(plan.found().stream().map(KeysLoader.Found::key).toList());
        rest.removeIf(key -> done.restored().contains(key) || done.expired().contains(key));
        return rest;
    }

    /** Keys as people type them ({@link KeyList#format}), so that a list can be pasted into the next request. */
    private static Map<String, Object> keysResult(RestoreWorkerCommand command, List<byte[]> restored,
            List<byte[]> notInBackup, List<byte[]> expired, List<byte[]> notRestored) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backupId", command.backupId().toString());
        result.put("keysRestored", restored.size());
        result.put("keysNotInBackup", notInBackup.size());
        result.put("keysExpired", expired.size());
        result.put("restored", restored.stream().map(KeyList::format).toList());
        result.put("notInBackup", notInBackup.stream().map(KeyList::format).toList());
        result.put("expired", expired.stream().map(KeyList::format).toList());
        if (notRestored != null) {
            result.put("notRestored", notRestored.stream().map(KeyList::format).toList());
        }
        return result;
    }

    private void fail(RestoreWorkerCommand command, TaskReporter task, Attempt attempt, TaskError error,
            Map<String, Object> result) {
        attempt.renew(); // a lost attempt's end is reported by the worker that declared it lost
        task.failed(error, result);
        attempt.finish(TaskExecution.Status.FAILED);
        TaskType type = command instanceof RecoverKeysCommand ? TaskType.RECOVER_KEYS : TaskType.RECOVER_INSTANCE;
        instanceStatus(command.taskId(), command.instanceId(), afterFailure(type, attempt.targetChanged()));
    }

    private void instanceStatus(UUID taskId, UUID instanceId, InstanceStatus status) {
        events.publish(Topics.INSTANCE_STATUS, InstanceStatusChanged.of(taskId, instanceId, status, clock.instant()));
    }
}
