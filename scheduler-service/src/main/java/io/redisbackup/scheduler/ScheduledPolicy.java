package io.redisbackup.scheduler;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.BackupPolicyChanged;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.contracts.TimePeriod;
import io.redisbackup.contracts.secret.SealedSecret;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The scheduler's copy of one instance's backup policy, and where to reach the instance. */
@Entity
@Table(name = "policy")
public class ScheduledPolicy extends PanacheEntityBase {

    @Id
    @Column(name = "instance_id")
    public UUID instanceId;
    public long revision;
    public boolean enabled;
    public String weekdays;
    @Column(name = "start_hour")
    public int startHour;
    public String timezone;
    @Column(name = "retention_days")
    public int retentionDays;
    public String host;
    public int port;
    public String username;
    @Column(name = "password_sealed")
    public String passwordSealed;
    public boolean tls;
    /** The instance's project, named in the tasks the scheduler starts (none from a gateway before projects). */
    public String project;
    /** How gently its backups are taken ({@link SourceCare}); null when not set. */
    @Column(name = "memory_limit_bytes")
    public Long memoryLimitBytes;
    @Column(name = "max_bytes_per_second")
    public Long maxBytesPerSecond;
    /** A cluster's seed nodes ({@link ClusterSeeds#nodesText}); null for a single server. */
    @Column(name = "cluster_nodes")
    public String clusterNodes;
    @Column(name = "snapshot_source")
    public String snapshotSource;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public BackupPolicy policy() {
        return new BackupPolicy(enabled, BackupPolicy.weekdaysOf(weekdays), new TimePeriod(startHour),
                ZoneId.of(timezone), retentionDays);
    }

    public RedisEndpoint endpoint() {
        return new RedisEndpoint(host, port, username, new SealedSecret(passwordSealed), tls,
                ClusterSeeds.stored(clusterNodes, snapshotSource));
    }

    public SourceCare care() {
        return new SourceCare(memoryLimitBytes, maxBytesPerSecond);
    }

    public void set(BackupPolicyChanged changed, Instant now) {
        BackupPolicy policy = changed.policy();
        revision = changed.revision();
        enabled = policy.enabled();
        weekdays = policy.weekdaysText();
        startHour = policy.timePeriod().startHour();
        timezone = policy.timezone().getId();
        retentionDays = policy.retentionDays();
        RedisEndpoint endpoint = changed.endpoint();
        host = endpoint.host();
        port = endpoint.port();
        username = endpoint.username();
        passwordSealed = endpoint.password().value();
        tls = endpoint.tls();
        clusterNodes = endpoint.isCluster() ? endpoint.cluster().nodesText() : null;
        snapshotSource = endpoint.isCluster() ? endpoint.cluster().source().name() : null;
        project = changed.project();
        memoryLimitBytes = changed.careOrNone().memoryLimitBytes();
        maxBytesPerSecond = changed.careOrNone().maxBytesPerSecond();
        updatedAt = now;
    }
}
