package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.instancelease.InstanceLeases;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.restoreworker.recovery.BackupVerifier;
import io.redisbackup.restoreworker.recovery.InstanceLoader;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.restoreworker.recovery.RecoveryTarget;
import io.redisbackup.restoreworker.recovery.RedisVersions;
import io.redisbackup.taskexecution.EventPublisher;
import io.redisbackup.taskexecution.Executions;
import io.redisbackup.taskexecution.LeaseWaiter;
import io.redisbackup.taskexecution.TaskExecution;
import io.redisbackup.taskexecution.TaskReporter;
import jakarta.enterprise.context.ApplicationScoped;
import redis.clients.jedis.Jedis;

/**
 * Carries out recovery commands. Nothing on the target changes until the backup is verified (size, SHA-256, its
 * own CRC64), the instance's lease is held and the target's Redis is known to load the backup's RDB version. The
 * instance shows {@code Recovering Backup by Backup ID} while its data is replaced, and {@code Running} again when
 * the recovery ends, whether it succeeded or not; a failure says how far the loading got.
 */
@ApplicationScoped
public class RecoveryRunner {

    private static final Logger LOG = Logger.getLogger(RecoveryRunner.class);

    private final Executions executions;
    private final BackupStore store;
    private final BackupVerifier verifier;
    private final InstanceLoader loader;
    private final SecretCipher cipher;
    private final EventPublisher events;
    private final LeaseWaiter leaseWaiter;
    private final RestoreWorkerConfig config;
    private final Clock clock;

    public RecoveryRunner(Executions executions, BackupStore store, BackupVerifier verifier, InstanceLoader loader,
            SecretCipher cipher, EventPublisher events, InstanceLeases leases, RestoreWorkerConfig config, Clock clock) {
        this.executions = executions;
        this.store = store;
        this.verifier = verifier;
        this.loader = loader;
        this.cipher = cipher;
        this.events = events;
        this.leaseWaiter = new LeaseWaiter(leases, clock, config.leaseRetryInterval(), config.delayReportInterval());
        this.config = config;
        this.clock = clock;
    }

    public void recoverInstance(RecoverInstanceCommand command) {
        Optional<Integer> attempt = executions.begin(command, command.backupId());
        if (attempt.isEmpty()) {
            LOG.infof("Task %s was carried out already; the repeated command is ignored", command.taskId());
            return;
        }
        TaskReporter task = new TaskReporter(events, clock, command.taskId(), command.instanceId(), command.backupId(),
                TaskType.RECOVER_INSTANCE, command.trigger(), attempt.get());
        try {
            if (attempt.get() > config.maxAttempts()) {
                throw new RecoveryFailure("WORKER_LOST", "The recovery was started " + config.maxAttempts()
                        + " times and its worker stopped each time.");
            }
            Manifest manifest = store.manifest(command.sourceInstanceId(), command.backupId())
                    .orElseThrow(() -> new RecoveryFailure(RecoveryFailure.BACKUP_MISSING,
                            "Backup " + command.backupId() + " is not in storage."));
            verifier.verify(manifest);
            try (InstanceLeases.Lease lease = leaseWaiter.await(command.instanceId(), task,
                    "checking the target instance")) {
                Map<String, Object> result = replaceDataset(command, manifest, task);
                instanceStatus(command, InstanceStatus.RUNNING);
                task.succeeded(Progress.ofKeys(manifest.keyCount(), manifest.keyCount()), result);
            }
            executions.finish(command.taskId(), TaskExecution.Status.SUCCEEDED);
        } catch (RecoveryFailure failure) {
            fail(command, task, new TaskError(failure.code(), failure.getMessage()));
        } catch (SecretCipher.InvalidSecretException e) {
            fail(command, task, new TaskError("SECRET_UNREADABLE",
                    "The instance password cannot be opened: the services do not share the same secret key."));
        } catch (IOException | SQLException e) {
            fail(command, task, new TaskError("STORAGE_ERROR", "Cannot read the backup or its record: " + e.getMessage()));
        }
    }

    private Map<String, Object> replaceDataset(RecoverInstanceCommand command, Manifest manifest, TaskReporter task)
            throws RecoveryFailure, IOException {
        RecoveryTarget target = new RecoveryTarget(command.target().host(), command.target().port(),
                command.target().username(), cipher.open(command.target().password()), command.target().tls());
        try (Jedis jedis = target.connect(config.targetTimeout())) {
            String version = target.redisVersion(jedis);
            if (RedisVersions.maxRdbVersion(version) < manifest.rdbVersion()) {
                throw new RecoveryFailure(RecoveryFailure.TARGET_TOO_OLD, "The instance runs Redis " + version
                        + ", which cannot load this backup (RDB version " + manifest.rdbVersion() + ", from Redis "
                        + manifest.redisVersion() + "). Nothing was changed on the instance.");
            }
            instanceStatus(command, InstanceStatus.RECOVERING_BY_BACKUP_ID);
            task.progress(Progress.ofKeys(0, manifest.keyCount()), "emptying the instance and loading "
                    + manifest.keyCount() + " keys");
            long[] loaded = { 0 };
            try (InputStream rdb = store.open(command.sourceInstanceId(), command.backupId(), BackupStore.RDB)) {
                InstanceLoader.Loaded done = loader.replaceAll(rdb, jedis, keys -> {
                    loaded[0] = keys;
                    task.progress(Progress.ofKeys(keys, manifest.keyCount()), "loading keys");
                });
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("backupId", command.backupId().toString());
                result.put("keysRestored", done.restored());
                result.put("keysExpired", done.expired());
                result.put("functionLibraries", done.functions());
                LOG.infof("Instance %s recovered from backup %s: %d keys, %d expired left out", command.instanceId(),
                        command.backupId(), done.restored(), done.expired());
                return result;
            } catch (RecoveryFailure failure) {
                throw new RecoveryFailure(failure.code(), "The instance was emptied and " + loaded[0] + " of "
                        + manifest.keyCount() + " keys were loaded before the recovery stopped: " + failure.getMessage(),
                        failure);
            }
        }
    }

    private void fail(RecoverInstanceCommand command, TaskReporter task, TaskError error) {
        task.failed(error);
        executions.finish(command.taskId(), TaskExecution.Status.FAILED);
        instanceStatus(command, InstanceStatus.RUNNING);
    }

    private void instanceStatus(RecoverInstanceCommand command, InstanceStatus status) {
        events.publish(Topics.INSTANCE_STATUS, InstanceStatusChanged.of(command.taskId(), command.instanceId(), status,
                clock.instant()));
    }
}
