package io.redisbackup.contracts;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SealedSecret;

/**
 * Where a Redis instance answers and how to log in; the password only ever travels sealed, bound to the instance
 * and this endpoint ({@link #binding}). For a Redis Cluster, {@code cluster} names its seed nodes (the first of which
 * is {@code host} and {@code port}); the password is the one of every node of it, and goes only to the nodes the
 * cluster names. A message that carries a cluster is of schema version {@link Message#CLUSTER_SCHEMA_VERSION}.
 */
public record RedisEndpoint(String host, int port, String username, SealedSecret password, boolean tls,
        ClusterSeeds cluster) {

    /** A single server's endpoint. */
    public RedisEndpoint(String host, int port, String username, SealedSecret password, boolean tls) {
        this(host, port, username, password, tls, null);
    }

    /** Whether the endpoint is a Redis Cluster's. */
    @JsonIgnore
    public boolean isCluster() {
        return cluster != null;
    }

    /** The schema version a message that carries {@code endpoint} (or none) needs, at least {@code otherwise}. */
    public static int schemaVersion(RedisEndpoint endpoint, int otherwise) {
        return endpoint != null && endpoint.isCluster() ? Math.max(otherwise, Message.CLUSTER_SCHEMA_VERSION)
                : otherwise;
    }

    /** What the password's seal must be bound to, for this endpoint of this instance. */
    public SealBinding binding(UUID instanceId) {
        return new SealBinding(instanceId, host, port, username, tls);
    }
}
