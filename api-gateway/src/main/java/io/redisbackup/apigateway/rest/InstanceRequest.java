package io.redisbackup.apigateway.rest;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.apigateway.service.ProjectNames;
import io.redisbackup.contracts.ClusterSeeds;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;

/**
 * Registers an instance, or changes it (where a missing password keeps the current one if the endpoint stays). A
 * Redis Cluster is registered with {@code kind} {@code CLUSTER}: {@code host} and {@code port} name one of its nodes,
 * {@code nodes} any others to ask for its topology when that one is down.
 */
public record InstanceRequest(
        @Schema(examples = "cache-eu-1") @NotBlank @Size(max = 100) String name,
        @Schema(description = "A single server, or a Redis Cluster whose shards are backed up together",
                defaultValue = "STANDALONE") Kind kind,
        @Schema(examples = "10.0.0.5", description = "A host name or an IP address; for a cluster, one of its nodes")
        @NotBlank @Size(max = 255) @Pattern(regexp = HOST, message = "must be a host name or an IP address") String host,
        @Schema(examples = "6379") @NotNull @Min(1) @Max(65535) Integer port,
        @Schema(description = "ACL user name; none for the default user") @Size(max = 255) String username,
        @Schema(description = "The instance's password; never shown back")
        @NotBlank(groups = Registration.class) @Size(min = 1, max = 512) String password,
        @Schema(description = "Connect with TLS", defaultValue = "false") Boolean tls,
        @Schema(description = "A cluster's other seed nodes, host:port: asked for its topology when the first is "
                + "down. The masters, replicas and slots are found from them before every task.",
                examples = "[\"10.0.0.6:7000\", \"10.0.0.7:7000\"]")
        @Size(max = 32) List<@NotBlank @Pattern(regexp = "(" + HOST + "|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}",
                message = "must be host:port") String> nodes,
        @Schema(description = "For a cluster: which node of each shard its backups read. REPLICA_PREFERRED takes "
                + "each shard's snapshot from a replica in sync with its master, sparing the master the fork.",
                defaultValue = "MASTER") ClusterSeeds.SnapshotSource source,
        @Schema(description = "The project it belongs to; only callers of that project see it. `default` when "
                + "registered without one; kept when changed without one.", examples = "payments")
        @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,62}", message = ProjectNames.RULE) String project,
        @Schema(description = "The memory the instance's machine or container may use, in bytes, where the server's "
                + "INFO does not show it (a container's limit): a backup checks that the snapshot's fork fits in it "
                + "before it starts. At least 1 MiB; 0 clears it; kept when changed without it.",
                examples = "4294967296")
        @NoneOrAtLeast(value = 1L << 20, message = "must be 0 (none) or at least 1048576 (1 MiB)")
        Long memoryLimitBytes,
        @Schema(description = "The most bytes a second a backup reads from the instance (its snapshot's transfer). "
                + "At least 1 MiB/s; 0 clears it (no limit); kept when changed without it.", examples = "52428800")
        @NoneOrAtLeast(value = 1L << 20, message = "must be 0 (no limit) or at least 1048576 (1 MiB a second)")
        Long backupMaxBytesPerSecond) {

    /** A DNS name (letters, digits, '-' in dot-separated labels), an IPv4 address, or an IPv6 address. */
    static final String HOST = "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
            + "|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*";

    /** What an instance is. */
    public enum Kind {
        /** One Redis server (with or without replicas of its own). */
        STANDALONE,
        /** A Redis Cluster: every shard's snapshot in one backup, keys recovered to the master of their slot. */
        CLUSTER
    }

    /** The checks of a registration: those of a change, and a password is required. */
    public interface Registration extends Default {
    }

    public InstanceService.Connection toConnection() {
        return new InstanceService.Connection(name, host, port, username, password, Boolean.TRUE.equals(tls), project,
                memoryLimitBytes, backupMaxBytesPerSecond, kind, nodes, source);
    }
}
