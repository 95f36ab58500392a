package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.rest.InstanceRequest;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.apigateway.client.TaskCenter;
import io.redisbackup.apigateway.redis.RedisProbe;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.contracts.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Registering, changing and removing instances; each registration or change is checked against the live server.
 * A caller finds only the instances of its projects; any other is absent (404).
 */
@ApplicationScoped
public class InstanceService {

    private static final Logger LOG = Logger.getLogger(InstanceService.class);

    private final RedisProbe probe;
    private final SecretCipher cipher;
    private final TaskCenter taskCenter;
    private final BackupPolicyService policies;
    private final Caller caller;
    private final Clock clock;

    public InstanceService(RedisProbe probe, SecretCipher cipher, TaskCenter taskCenter, BackupPolicyService policies,
            Caller caller, Clock clock) {
        this.probe = probe;
        this.cipher = cipher;
        this.taskCenter = taskCenter;
        this.policies = policies;
        this.caller = caller;
        this.clock = clock;
    }

    /**
     * What a user gives to register or change an instance. On a change, a null password keeps the current one, but
     * only while the endpoint (host, port, username, TLS, a cluster's seed nodes) stays as it is; a null project,
     * memory limit, rate limit, kind, seed list or snapshot source keeps the current one, and a limit of 0 clears it.
     */
    public record Connection(String name, String host, int port, String username, String password, boolean tls,
            String project, Long memoryLimitBytes, Long backupMaxBytesPerSecond, InstanceRequest.Kind kind,
            List<String> nodes, ClusterSeeds.SnapshotSource source) {

        String usernameOrNull() {
            return username == null || username.isBlank() ? null : username;
        }

        boolean sameEndpointAs(Instance instance) {
            return host.strip().equals(instance.host) && port == instance.port
                    && java.util.Objects.equals(usernameOrNull(), instance.username) && tls == instance.tls
                    && java.util.Objects.equals(seeds(instance), instance.cluster());
        }

        /**
         * A cluster's seeds: host and port first, then the other nodes, each once; null for a single server. What
         * is not given keeps the current instance's ({@code current}, null on a registration).
         */
        ClusterSeeds seeds(Instance current) {
            ClusterSeeds was = current == null ? null : current.cluster();
            boolean cluster = kind != null ? kind == InstanceRequest.Kind.CLUSTER : was != null;
            if (!cluster) {
                return null;
            }
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            all.add((host.strip().contains(":") ? "[" + host.strip() + "]" : host.strip()) + ":" + port);
            List<String> others = nodes != null ? nodes : was != null ? was.nodes() : List.of();
            others.forEach(node -> all.add(node.strip()));
            return new ClusterSeeds(List.copyOf(all), source != null ? source : was != null ? was.source() : null);
        }
    }

    @Transactional
    public Instance register(Connection connection) {
        String project = connection.project() == null ? ProjectNames.DEFAULT : connection.project();
        caller.mayUse(project);
        ClusterSeeds seeds = connection.seeds(null);
        RedisProbe.Facts facts = check(connection, seeds, connection.password());
        Instance instance = new Instance();
        instance.id = UUID.randomUUID();
        instance.status = InstanceStatus.RUNNING;
        instance.createdAt = clock.instant();
        instance.project = project;
        apply(instance, connection, seeds, connection.password(), facts);
        instance.persist();
        caller.about(instance.id, null, instance.project);
        policies.create(instance);
        LOG.infof("Instance %s registered (%s:%d%s, Redis %s)", instance.id, instance.host, instance.port,
                seeds == null ? "" : ", a cluster of " + facts.shards() + " shards", facts.version());
        return instance;
    }

    /**
     * Changes the instance. The stored password is only ever sent to the endpoint it was given for: a new host, port,
     * user name or TLS setting needs the password in the same request, else 400 and nothing is sent anywhere.
     */
    @Transactional
    public Instance change(UUID id, Connection connection) {
        Instance instance = findForUpdate(id);
        if (connection.password() == null && !connection.sameEndpointAs(instance)) {
            throw new ApiProblem(400, "PASSWORD_REQUIRED", "Password required", "The host, port, username, TLS "
                    + "setting or cluster nodes change: give the instance's password with them. A stored password is "
                    + "only ever sent to the endpoint it was given for.", List.of(new ApiProblem.FieldError("password",
                            "is required when the host, port, username, tls, kind or nodes change")));
        }
        if (connection.project() != null) {
            caller.mayUse(connection.project());
            instance.project = connection.project();
        }
        String password = connection.password() != null ? connection.password() : storedPassword(instance);
        ClusterSeeds seeds = connection.seeds(instance);
        RedisProbe.Facts facts = check(connection, seeds, password);
        apply(instance, connection, seeds, password, facts);
        policies.instanceChanged(instance);
        LOG.infof("Instance %s changed (%s:%d, Redis %s)", instance.id, instance.host, instance.port,
                facts.version());
        return instance;
    }

    /** Not one transaction: the task center is asked first, and no transaction may span a call to another service. */
    public void remove(UUID id) {
        Instance instance = find(id);
        if (instance.activeRecoveryTaskId != null
                || Backup.anyInProgress(id) || taskCenter.hasActiveTask(id)) {
            throw ApiProblem.conflict("INSTANCE_BUSY",
                    "A task is running on instance " + id + "; delete it when the task has ended.");
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Instance.deleteById(id);
            policies.instanceRemoved(id);
        });
        LOG.infof("Instance %s removed", id);
    }

    /**
     * What the restore worker reports about the recovery under way: the instance's status while it runs, and at its
     * end {@code Running} or {@code Recovery Failed}. News of any other task (a late or repeated event of a recovery
     * that has ended) changes nothing. Applying an event again changes nothing either.
     */
    @Transactional
    public void apply(InstanceStatusChanged event) {
        // the row is locked: every gateway's console applies the same events too, and one applying a recovery's
        // end while another applies its start must not leave the start's status behind
        Instance instance = Instance.findById(event.instanceId(), LockModeType.PESSIMISTIC_WRITE);
        if (instance == null || !event.taskId().equals(instance.activeRecoveryTaskId)) {
            return;
        }
        if (instance.status != event.status()) {
            LOG.infof("Instance %s is %s", instance.id, event.status().displayName());
        }
        instance.status = event.status();
        if (event.status() == InstanceStatus.RUNNING || event.status() == InstanceStatus.RECOVERY_FAILED) {
            instance.activeRecoveryTaskId = null;
        }
    }

    /**
     * Seals again, bound to their instance and endpoint, the passwords sealed before seals were bound, and tells the
     * scheduler; returns how many. After it, no seal that opens without a binding is left to copy.
     */
    @Transactional
    public int sealUnboundPasswords() {
        List<Instance> unbound = Instance.<Instance>streamAll().filter(i -> SecretCipher.isUnbound(i.sealedPassword()))
                .toList();
        for (Instance instance : unbound) {
            try {
                instance.passwordSealed = cipher.seal(cipher.openUnbound(instance.sealedPassword()), instance.binding())
                        .value();
                policies.instanceChanged(instance);
            } catch (SecretCipher.InvalidSecretException e) {
                LOG.warnf("The password of instance %s was sealed with another secret key; it stays unusable until "
                        + "it is given again (PUT /api/v1/instances/%s with the password)", instance.id, instance.id);
            }
        }
        if (!unbound.isEmpty()) {
            LOG.infof("Sealed the passwords of %d instances again, each bound to its instance and endpoint",
                    unbound.size());
        }
        return unbound.size();
    }

    /**
     * The instance's stored password, opened for its own endpoint; 409 when it cannot be opened here (sealed with
     * another secret key), so that the owner gives it again.
     */
    public String storedPassword(Instance instance) {
        try {
            return cipher.open(instance.sealedPassword(), instance.binding());
        } catch (SecretCipher.InvalidSecretException e) {
            throw ApiProblem.conflict("STORED_PASSWORD_UNREADABLE", "The stored password of instance " + instance.id
                    + " cannot be opened with this platform's secret key; give the password again (PUT with password).");
        }
    }

    /** The instance, if the caller may see it; else 404, as for one that does not exist. */
    public Instance find(UUID id) {
        return visible(Instance.findById(id), id);
    }

    /** {@link #find}, with the instance's row locked until the transaction ends. */
    public Instance findForUpdate(UUID id) {
        return visible(Instance.findById(id, LockModeType.PESSIMISTIC_WRITE), id);
    }

    /** The instances of the caller's projects. */
    public List<Instance> all() {
        Sort order = Sort.ascending("name").and("id");
        return caller.seesEveryProject() ? Instance.listAll(order) : Instance.list("project in ?1", order, caller.projects());
    }

    private Instance visible(Instance instance, UUID id) {
        caller.visible(instance, instance == null ? null : instance.project, "instance", id);
        caller.about(instance.id, null, instance.project);
        return instance;
    }

    private RedisProbe.Facts check(Connection connection, ClusterSeeds seeds, String password) {
        try {
            if (seeds != null) {
                return probe.cluster(seeds.nodes(), connection.username(), password, connection.tls());
            }
            return new RedisProbe.Facts(probe.redisVersion(connection.host(), connection.port(),
                    connection.username(), password, connection.tls()), null);
        } catch (RedisProbe.ProbeFailure failure) {
            throw new ApiProblem(422, failure.code(), "The instance cannot be used", failure.getMessage());
        }
    }

    private void apply(Instance instance, Connection connection, ClusterSeeds seeds, String password,
            RedisProbe.Facts facts) {
        instance.name = connection.name().strip();
        instance.host = connection.host().strip();
        instance.port = connection.port();
        instance.username = connection.usernameOrNull();
        instance.tls = connection.tls();
        instance.clusterNodes = seeds == null ? null : seeds.nodesText();
        instance.snapshotSource = seeds == null ? null : seeds.source().name();
        instance.clusterShards = facts.shards();
        instance.passwordSealed = cipher.seal(password, instance.binding()).value();
        instance.redisVersion = facts.version();
        if (connection.memoryLimitBytes() != null) {
            instance.memoryLimitBytes = connection.memoryLimitBytes() == 0 ? null : connection.memoryLimitBytes();
        }
        if (connection.backupMaxBytesPerSecond() != null) {
            instance.backupMaxBytesPerSecond = connection.backupMaxBytesPerSecond() == 0 ? null
                    : connection.backupMaxBytesPerSecond();
        }
        instance.updatedAt = clock.instant();
    }
}
