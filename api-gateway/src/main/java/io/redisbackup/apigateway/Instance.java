package io.redisbackup.apigateway;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SealedSecret;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Redis server registered for backup. */
@Entity
@Table(name = "instance")
public class Instance extends PanacheEntityBase {

    @Id
    public UUID id;
    public String name;
    /** The project it belongs to: only callers of that project see it, its backups and its tasks. */
    public String project;
    public String host;
    public int port;
    public String username;
    /** The password as {@code SecretCipher} sealed it. */
    @Column(name = "password_sealed")
    public String passwordSealed;
    public boolean tls;
    @Column(name = "redis_version")
    public String redisVersion;
    @Enumerated(EnumType.STRING)
    public InstanceStatus status;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** The memory its machine or container may use, when the server's INFO does not show it; null when not set. */
    @Column(name = "memory_limit_bytes")
    public Long memoryLimitBytes;
    /** The most bytes a second a backup may read from it; null for no limit. */
    @Column(name = "backup_max_bytes_per_second")
    public Long backupMaxBytesPerSecond;
    /** A cluster's seed nodes ({@link ClusterSeeds#nodesText}, the first at host and port); null for one server. */
    @Column(name = "cluster_nodes")
    public String clusterNodes;
    /** Which node of each shard a cluster's backups read ({@link ClusterSeeds.SnapshotSource}). */
    @Column(name = "snapshot_source")
    public String snapshotSource;
    /** How many shards (masters with slots) the cluster had when it was last checked. */
    @Column(name = "cluster_shards")
    public Integer clusterShards;
    /** The recovery accepted for this instance and not yet ended, if any. */
    @Column(name = "active_recovery_task_id")
    public UUID activeRecoveryTaskId;

    /** Where the workers connect, with the password sealed. */
    public RedisEndpoint endpoint() {
        return new RedisEndpoint(host, port, username, new SealedSecret(passwordSealed), tls, cluster());
    }

    /** Its seed nodes and snapshot source when it is a Redis Cluster; null for a single server. */
    public ClusterSeeds cluster() {
        return ClusterSeeds.stored(clusterNodes, snapshotSource);
    }

    /** How gently its backups are taken. */
    public SourceCare sourceCare() {
        return new SourceCare(memoryLimitBytes, backupMaxBytesPerSecond);
    }

    /** What the password's seal is bound to: this instance at its endpoint. */
    public SealBinding binding() {
        return new SealBinding(id, host, port, username, tls);
    }

    public SealedSecret sealedPassword() {
        return new SealedSecret(passwordSealed);
    }
}
