package io.redisbackup.apigateway.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.redisbackup.apigateway.Instance;
import io.redisbackup.contracts.ClusterSeeds;

/** An instance as the API shows it: everything but the password; its status by display name. */
public record InstanceView(UUID id, String name, String project, String kind, String host, int port, String username,
        boolean tls, @Schema(description = "A cluster's seed nodes, host:port; none for a single server") List<String> nodes,
        @Schema(description = "Which node of each shard a cluster's backups read") String source,
        @Schema(description = "How many shards (masters with slots) the cluster had when last checked") Integer shards,
        String redisVersion, String status, Instant createdAt, Instant updatedAt, Long memoryLimitBytes,
        Long backupMaxBytesPerSecond) {

    public static InstanceView of(Instance instance) {
        ClusterSeeds cluster = instance.cluster();
        return new InstanceView(instance.id, instance.name, instance.project,
                cluster == null ? InstanceRequest.Kind.STANDALONE.name() : InstanceRequest.Kind.CLUSTER.name(),
                instance.host, instance.port, instance.username, instance.tls,
                cluster == null ? null : cluster.nodes(), cluster == null ? null : cluster.source().name(),
                instance.clusterShards, instance.redisVersion, instance.status.displayName(), instance.createdAt,
                instance.updatedAt, instance.memoryLimitBytes, instance.backupMaxBytesPerSecond);
    }
}
