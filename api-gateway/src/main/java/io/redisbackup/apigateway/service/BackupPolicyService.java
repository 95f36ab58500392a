package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.redisbackup.apigateway.Drill;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.InstanceBackupPolicy;
import io.redisbackup.apigateway.RetentionCounts;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.BackupPolicyChanged;
import io.redisbackup.contracts.TimePeriod;
import io.redisbackup.contracts.Topics;
import io.redisbackup.outbox.Outbox;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The instances' backup policies. Every change, of the policy or of where the instance is reached, is published
 * on the compacted backup-policies topic in the same transaction, for the scheduler's copy.
 */
@ApplicationScoped
public class BackupPolicyService {

    private static final Logger LOG = Logger.getLogger(BackupPolicyService.class);

    private final Outbox outbox;
    private final GatewayConfig config;
    private final Clock clock;

    public BackupPolicyService(Outbox outbox, GatewayConfig config, Clock clock) {
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    public BackupPolicy defaultPolicy() {
        GatewayConfig.DefaultPolicy defaults = config.defaultPolicy();
        return new BackupPolicy(defaults.enabled(), EnumSet.allOf(DayOfWeek.class), TimePeriod.parse(defaults.timePeriod()),
                ZoneId.of(defaults.timezone()), defaults.retentionDays());
    }

    /** A new instance gets the default policy. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void create(Instance instance) {
        InstanceBackupPolicy stored = new InstanceBackupPolicy();
        stored.instanceId = instance.id;
        stored.set(defaultPolicy(), clock.instant());
        stored.persist();
        publish(instance, stored);
    }

    /** The instance is reached differently: the scheduler must know. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void instanceChanged(Instance instance) {
        InstanceBackupPolicy stored = find(instance.id);
        stored.set(stored.policy(), clock.instant());
        publish(instance, stored);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void instanceRemoved(UUID instanceId) {
        outbox.appendTombstone(Topics.BACKUP_POLICIES, instanceId);
    }

    /** Sets the policy of an instance the caller found ({@link InstanceService#find}). */
    @Transactional
    public InstanceBackupPolicy change(Instance instance, BackupPolicy policy, RetentionCounts counts, Drill drill) {
        InstanceBackupPolicy stored = find(instance.id);
        stored.set(policy, clock.instant());
        stored.setCounts(counts);
        stored.drill = drill;
        publish(instance, stored);
        LOG.infof("Backup policy of instance %s changed: %s%s", instance.id, describe(policy),
                counts.any() ? ", " + counts : "");
        return stored;
    }

    /** The policy of an instance the caller found ({@link InstanceService#find}). */
    public InstanceBackupPolicy of(Instance instance) {
        return find(instance.id);
    }

    private InstanceBackupPolicy find(UUID instanceId) {
        InstanceBackupPolicy stored = InstanceBackupPolicy.findById(instanceId);
        if (stored == null) {
            throw ApiProblem.notFound("instance", instanceId);
        }
        return stored;
    }

    private void publish(Instance instance, InstanceBackupPolicy stored) {
        outbox.append(Topics.BACKUP_POLICIES, BackupPolicyChanged.of(instance.id, stored.revision, stored.policy(),
                instance.endpoint(), instance.project, instance.sourceCare(), clock.instant()));
    }

    private static String describe(BackupPolicy policy) {
        return policy.enabled() ? policy.weekdays() + " " + policy.timePeriod() + " " + policy.timezone()
                + ", kept " + policy.retentionDays() + " days" : "disabled";
    }
}
