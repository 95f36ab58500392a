package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.contracts.BackupCorrupted;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.contracts.RecoveryCommand;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceNetworks;
import io.redisbackup.instanceclient.RedisVersions;
import io.redisbackup.instanceclient.cluster.ClusterDiscovery;
import io.redisbackup.instanceclient.cluster.ClusterTopology;
import io.redisbackup.restoreworker.recovery.KeyRouting;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.restoreworker.recovery.SideBySide;
import io.redisbackup.restoreworker.recovery.TargetPipes;
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
 * Carries out recovery commands, of either mode ({@link InstanceRecovery}, {@link KeysRecovery}). Nothing on the
 * target changes until the backup is checked (for a whole instance: size, SHA-256 and its own CRC64, read end to
 * end; for chosen keys: the CRCs of the index blocks and of every entry to be written), the instance's lease is held
 * and the target's Redis is known to load the backup's RDB version. The instance shows {@code Running} again when the
 * recovery ends, or {@code Recovery Failed} when a whole-instance recovery stopped after it began to empty the
 * instance; a failure says how far the recovery got. Every write to the instance is preceded by a renewal of the
 * attempt, so an attempt declared lost never touches it again.
 */
@ApplicationScoped
public class RecoveryRunner {

    private static final Logger LOG = Logger.getLogger(RecoveryRunner.class);

    private final TaskLedger ledger;
    private final BackupStore store;
    private final InstanceRecovery instances;
    private final KeysRecovery keys;
    private final SecretCipher cipher;
    private final EventPublisher events;
    private final LeaseWaiter leaseWaiter;
    private final RestoreWorkerConfig config;
    private final int maxAttempts;
    private final Clock clock;
    private final InstanceNetworks networks;

    public RecoveryRunner(TaskLedger ledger, BackupStore store, InstanceRecovery instances, KeysRecovery keys,
            SecretCipher cipher, EventPublisher events, LeaseWaiter leaseWaiter, RestoreWorkerConfig config,
            TaskExecutionConfig execution, Clock clock, InstanceNetworks networks) {
        this.ledger = ledger;
        this.store = store;
        this.instances = instances;
        this.keys = keys;
        this.cipher = cipher;
        this.events = events;
        this.leaseWaiter = leaseWaiter;
        this.config = config;
        this.maxAttempts = execution.maxAttempts();
        this.clock = clock;
        this.networks = networks;
    }

    public void recover(RecoveryCommand command) {
        // a fenced attempt stops: the worker that declared it lost reports it; this one must not touch the instance
        ledger.<RuntimeException>carryOut(command, this::settle, attempt -> recover(command, attempt));
    }

    private void recover(RecoveryCommand command, Attempt attempt) {
        TaskReporter task = TaskReporter.of(events, clock, command, attempt.number());
        InstanceStatuses instance = new InstanceStatuses(command);
        try {
            Manifest manifest = StoredManifests.of(store, command.sourceInstanceId(), command.backupId());
            Recovery recovery = switch (command) {
                case RecoverInstanceCommand whole -> instances.prepare(whole, manifest);
                case RecoverKeysCommand chosen -> keys.prepare(chosen, manifest);
            };
            try (InstanceLeases.Lease lease = leaseWaiter.await(command.instanceId(), task,
                    Retries.starting(attempt, maxAttempts, "checking the target instance"))) {
                RecoveryResult result;
                try (TargetCheck target = new TargetCheck(command, manifest)) {
                    result = recovery.run(target, new Recovery.Reporting(task, attempt, instance::changing));
                }
                attempt.renew(); // a lost attempt's end is reported by the worker that declared it lost
                // the instance's status and the task's outcome: one round trip to the broker
                task.succeeded(result.progress(), result.toMap(), instance.ending(InstanceStatus.RUNNING));
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
            fail(command, task, attempt, instance, error, failure.result());
        } catch (SecretCipher.InvalidSecretException e) {
            fail(command, task, attempt, instance, TaskError.secretUnreadable(), null);
        } catch (IOException | SQLException e) {
            fail(command, task, attempt, instance, new TaskError("STORAGE_ERROR", "Cannot read the backup or its "
                    + "record: " + e.getMessage()), null);
        }
    }

    /**
     * The target's checks ({@link #target}, {@link #checkServers}: where its servers are, that they are reachable,
     * inside the allowed networks and fit for the backup), run on a thread of their own from the moment the lease is
     * held, beside the recovery's reading of the backup; the recovery asks for their outcome before it changes
     * anything. For a keys recovery, each server is checked on the pipe its keys will go down, opened here
     * ({@link TargetPipes#forKeys}): its connection and login are out of the recovery's way too. Closed before they
     * end (the recovery failed first), they are interrupted; pipes the recovery did not take are closed.
     */
    private final class TargetCheck implements Recovery.Target, AutoCloseable {

        /** Pipes opened longer ago are opened again, checks and all: a server may drop a connection left idle. */
        private static final long PIPES_FRESH_NANOS = 10_000_000_000L;

        private final RecoveryCommand command;
        private final Manifest manifest;
        private final CompletableFuture<Checked> outcome = new CompletableFuture<>();
        private final Thread thread;
        private boolean pipesTaken;

        /** The target, and for a keys recovery its pipes and when they were opened. */
        private record Checked(KeyRouting routing, TargetPipes pipes, long openedAt) {
        }

        TargetCheck(RecoveryCommand command, Manifest manifest) {
            this.command = command;
            this.manifest = manifest;
            thread = Thread.ofVirtual().name("target-check-" + command.taskId()).start(() -> {
                try {
                    KeyRouting target = target(command);
                    Checked checked;
                    if (command instanceof RecoverKeysCommand) {
                        checked = new Checked(target, openPipes(target), System.nanoTime());
                    } else {
                        checkServers(target, manifest);
                        checked = new Checked(target, null, 0);
                    }
                    if (!outcome.complete(checked) && checked.pipes() != null) {
                        checked.pipes().close(); // closed meanwhile
                    }
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            });
        }

        private TargetPipes openPipes(KeyRouting target) throws RecoveryFailure {
            return TargetPipes.forKeys(target, config.targetTimeout(), (server, socket) -> {
                try {
                    checkServer(InstanceClient.over(server, socket), server, target.cluster(), manifest);
                } catch (InstanceFailure e) {
                    throw RecoveryFailure.of(e);
                }
            });
        }

        @Override
        public KeyRouting checked() throws RecoveryFailure {
            return awaitChecked().routing();
        }

        @Override
        public synchronized TargetPipes keysPipes() throws RecoveryFailure {
            Checked checked = awaitChecked();
            if (checked.pipes() == null || pipesTaken) {
                throw new IllegalStateException("no pipes for " + command.getClass().getSimpleName());
            }
            pipesTaken = true;
            if (System.nanoTime() - checked.openedAt() < PIPES_FRESH_NANOS) {
                return checked.pipes();
            }
            checked.pipes().close();
            return openPipes(checked.routing());
        }

        private Checked awaitChecked() throws RecoveryFailure {
            try {
                return outcome.get();
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case RecoveryFailure failure -> throw failure;
                    case RuntimeException unchecked -> throw unchecked;
                    case Error error -> throw error;
                    default -> throw new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RecoveryFailure(RecoveryFailure.TARGET_UNREACHABLE, "Interrupted while checking the "
                        + "target", e);
            }
        }

        @Override
        public synchronized void close() {
            if (outcome.completeExceptionally(new IllegalStateException("the recovery ended first"))) {
                thread.interrupt();
            } else if (!pipesTaken && !outcome.isCompletedExceptionally()) {
                Checked checked = outcome.getNow(null);
                if (checked != null && checked.pipes() != null) {
                    checked.pipes().close();
                }
            }
        }
    }

    /**
     * What one recovery tells of its instance: the status it changes to when it begins to change it goes without
     * waiting for the broker; the status it ends with waits until the broker has both, in their order (after a
     * success, sent with the task's outcome).
     */
    private final class InstanceStatuses {

        private final UUID taskId;
        private final UUID instanceId;
        private final EventPublisher.InOrder news = events.inOrder();

        InstanceStatuses(RecoveryCommand command) {
            this.taskId = command.taskId();
            this.instanceId = command.instanceId();
        }

        void changing(InstanceStatus status) {
            news.ahead(Topics.INSTANCE_STATUS, InstanceStatusChanged.of(taskId, instanceId, status, clock.instant()));
        }

        void ended(InstanceStatus status) {
            news.publish(List.of(last(status)));
        }

        /** {@link #ended}'s messages, for the task's outcome to send with its own. */
        EventPublisher.Outgoing[] ending(InstanceStatus status) {
            return news.settling(List.of(last(status))).toArray(EventPublisher.Outgoing[]::new);
        }

        private EventPublisher.Outgoing last(InstanceStatus status) {
            return new EventPublisher.Outgoing(Topics.INSTANCE_STATUS,
                    InstanceStatusChanged.of(taskId, instanceId, status, clock.instant()));
        }
    }

    /**
     * Reports a recovery whose worker was lost (this worker's or another's): the task FAILED, and the instance
     * {@code Recovery Failed} if a whole-instance recovery had begun to empty it, else {@code Running}.
     */
    void onLost(@Observes TaskLedger.LostTask lost) {
        if (lost.execution().taskType == TaskType.VERIFY_BACKUP) {
            return; // a drill's: BackupDrills settles it
        }
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

    /** {@link #checkServer} of every server of the target, a cluster's masters side by side. */
    private void checkServers(KeyRouting target, Manifest manifest) throws RecoveryFailure {
        boolean cluster = target.cluster();
        Throwable failure = SideBySide.all(target.servers().stream().<Callable<Void>>map(server -> () -> {
            checkServer(server, cluster, manifest);
            return null;
        }).toList()).failure();
        switch (failure) {
            case null -> {
            }
            case RecoveryFailure refused -> throw refused;
            case RuntimeException unchecked -> throw unchecked;
            default -> throw new RecoveryFailure(RecoveryFailure.TARGET_UNREACHABLE, String.valueOf(failure),
                    failure);
        }
    }

    /**
     * The server is reachable, can load the backup's RDB version, and is what the instance says it is: a node of a
     * Redis Cluster only when the instance is a cluster (a recovery into one node alone would be refused for every
     * key of the other nodes' slots).
     */
    private void checkServer(InstanceEndpoint server, boolean cluster, Manifest manifest) throws RecoveryFailure {
        try (InstanceClient client = InstanceClient.connect(server, config.targetTimeout())) {
            checkServer(client, server, cluster, manifest);
        } catch (InstanceFailure e) {
            throw RecoveryFailure.of(e);
        }
    }

    /** {@link #checkServer(InstanceEndpoint, boolean, Manifest)} on a connection to it. */
    private static void checkServer(InstanceClient client, InstanceEndpoint server, boolean cluster,
            Manifest manifest) throws InstanceFailure, RecoveryFailure {
        String version = client.redisVersion();
        if (!cluster && client.clusterEnabled()) {
            throw new RecoveryFailure(RecoveryFailure.TARGET_IS_CLUSTER_NODE, server + " is a node of a Redis "
                    + "Cluster (cluster_enabled:1), registered as a single server: register the cluster by its "
                    + "nodes (kind CLUSTER). Nothing was changed on the instance.");
        }
        if (RedisVersions.maxRdbVersion(version) < manifest.rdbVersion()) {
            throw new RecoveryFailure(RecoveryFailure.TARGET_TOO_OLD, "The instance runs Redis " + version
                    + ", which cannot load this backup (RDB version " + manifest.rdbVersion() + ", from Redis "
                    + manifest.redisVersion() + "). Nothing was changed on the instance.");
        }
    }

    /**
     * The target, its password opened only if it was sealed for this instance at this endpoint; for a cluster, its
     * masters as its seed nodes say now, which must serve every slot with none being moved. Every server is inside
     * the networks instances may be on, or nothing is sent to any.
     */
    private KeyRouting target(RecoveryCommand command) throws RecoveryFailure {
        InstanceEndpoint login = InstanceEndpoint.opened(command.target(), command.instanceId(), cipher);
        if (!command.target().isCluster()) {
            try {
                // checked at registration too; the networks may have narrowed since, or the name point elsewhere now
                networks.check(login.host());
            } catch (InstanceFailure e) {
                throw RecoveryFailure.of(e);
            }
            return KeyRouting.single(login);
        }
        ClusterTopology topology = topology(command, login);
        if (!topology.steady()) {
            throw new RecoveryFailure(RecoveryFailure.TARGET_CLUSTER_UNSTEADY, "The cluster is not steady: "
                    + topology.unsteadiness() + ". A recovery needs every slot served by a master that is up and "
                    + "none being moved. Nothing was changed on the instance.");
        }
        return KeyRouting.cluster(login, topology);
    }

    private ClusterTopology topology(RecoveryCommand command, InstanceEndpoint login) throws RecoveryFailure {
        try {
            return ClusterDiscovery.discover(login, command.target().cluster().nodes(),
                    config.targetTimeout(), networks);
        } catch (InstanceFailure e) {
            throw RecoveryFailure.of(e);
        }
    }

    private void fail(RecoveryCommand command, TaskReporter task, Attempt attempt, InstanceStatuses instance,
            TaskError error, Map<String, Object> result) {
        attempt.renew(); // a lost attempt's end is reported by the worker that declared it lost
        task.failed(error, withSafetyBackup(command, result));
        attempt.finish(TaskExecution.Status.FAILED);
        instance.ended(afterFailure(TaskType.of(command), attempt.targetChanged()));
    }

    /** A failed recovery's result names the backup of the instance as it was before, where there is one. */
    private static Map<String, Object> withSafetyBackup(RecoveryCommand command, Map<String, Object> result) {
        if (!(command instanceof RecoverInstanceCommand whole) || whole.safetyBackupId() == null) {
            return result;
        }
        Map<String, Object> named = result == null ? new LinkedHashMap<>() : new LinkedHashMap<>(result);
        named.put("safetyBackupId", whole.safetyBackupId().toString());
        return named;
    }

    private void instanceStatus(UUID taskId, UUID instanceId, InstanceStatus status) {
        events.publish(Topics.INSTANCE_STATUS, InstanceStatusChanged.of(taskId, instanceId, status, clock.instant()));
    }
}
