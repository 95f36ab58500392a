package io.redisbackup.apigateway.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceNetworks;
import io.redisbackup.instanceclient.cluster.ClusterDiscovery;
import io.redisbackup.instanceclient.cluster.ClusterTopology;
import jakarta.enterprise.context.ApplicationScoped;

/** Connects to an instance once, as a registration does: logs in and reads its version. */
@ApplicationScoped
public class RedisProbe {

    private final Duration timeout;
    private final InstanceNetworks networks;

    public RedisProbe(GatewayConfig config) {
        this.timeout = config.instanceCheckTimeout();
        this.networks = InstanceNetworks.of(config.instanceNetworks());
    }

    /**
     * The instance's Redis version, or {@link ProbeFailure} saying why it cannot be used. A host outside the allowed
     * networks is refused before anything is sent to it; so is a node of a Redis Cluster, of which a backup would
     * hold only the keys of the node's own slots.
     */
    public String redisVersion(String host, int port, String username, String password, boolean tls) {
        return ask(host, port, username, password, tls, client -> {
            String version = client.redisVersion();
            if (client.clusterEnabled()) {
                throw new ProbeFailure(ProbeFailure.CLUSTER_NODE, host + ":" + port + " is a node of a Redis Cluster "
                        + "(cluster_enabled:1): a backup of this node alone would hold only the keys of its own slots. "
                        + "Register the cluster with \"kind\": \"CLUSTER\".");
            }
            return version;
        });
    }

    /** What a registration learns: the Redis version, and a cluster's shards (null for a single server). */
    public record Facts(String version, Integer shards) {
    }

    /**
     * A Redis Cluster's facts, asked of its seed nodes in turn: every node it names must be in the allowed networks
     * (the password goes to each of them), and its masters must serve every slot.
     */
    public Facts cluster(List<String> seeds, String username, String password, boolean tls) {
        ClusterTopology topology = topology(seeds, username, password, tls);
        if (!topology.complete()) {
            throw new ProbeFailure(ProbeFailure.CLUSTER_NOT_READY, "The cluster cannot be backed up as it is: "
                    + topology.unsteadiness() + ".");
        }
        ClusterTopology.Node first = topology.shards().get(0).master();
        String version = ask(first.host(), first.port(), username, password, tls, InstanceClient::redisVersion);
        return new Facts(version, topology.shards().size());
    }

    /**
     * What a recovery's dry run weighs a target by, read with {@code INFO} alone: its version, its memory limit
     * ({@code maxmemory}, 0 for none), the memory it uses in all and for its dataset, and the machine's.
     */
    public record MemoryFacts(String redisVersion, long maxmemory, long usedMemory, long datasetMemory,
            long systemMemory) {
    }

    public MemoryFacts memoryFacts(String host, int port, String username, String password, boolean tls) {
        return ask(host, port, username, password, tls, client -> {
            Map<String, String> memory = client.info("memory");
            return new MemoryFacts(client.redisVersion(), number(memory.get("maxmemory")),
                    number(memory.get("used_memory")), number(memory.get("used_memory_dataset")),
                    number(memory.get("total_system_memory")));
        });
    }

    /**
     * A cluster's memory facts, all masters together (a dataset spreads over them): their maxmemory summed (0 when
     * one has none), their used and dataset memory summed, the memory of their machines summed once a machine; the
     * version of the first master.
     */
    public MemoryFacts clusterMemoryFacts(List<String> seeds, String username, String password, boolean tls) {
        ClusterTopology topology = topology(seeds, username, password, tls);
        String version = null;
        long maxmemory = 0;
        boolean unlimited = false;
        long used = 0;
        long dataset = 0;
        Map<String, Long> machines = new java.util.HashMap<>();
        for (ClusterTopology.Shard shard : topology.shards()) {
            ClusterTopology.Node master = shard.master();
            MemoryFacts one = memoryFacts(master.host(), master.port(), username, password, tls);
            version = version == null ? one.redisVersion() : version;
            unlimited |= one.maxmemory() == 0;
            maxmemory += one.maxmemory();
            used += one.usedMemory();
            dataset += one.datasetMemory();
            machines.put(master.host(), one.systemMemory());
        }
        return new MemoryFacts(version, unlimited ? 0 : maxmemory, used, dataset,
                machines.values().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * The cluster's topology as its seeds say; every seed is checked against the allowed networks before it is
     * asked, and every node the cluster names after (each would get the password).
     */
    private ClusterTopology topology(List<String> seeds, String username, String password, boolean tls) {
        InstanceEndpoint login = new InstanceEndpoint("seed", 0, username == null || username.isBlank() ? null
                : username, password, tls);
        try {
            return ClusterDiscovery.discover(login, seeds, timeout, networks);
        } catch (InstanceFailure e) {
            throw failure(e);
        }
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @FunctionalInterface
    private interface Question<T> {
        T ask(InstanceClient client) throws InstanceFailure;
    }

    private <T> T ask(String host, int port, String username, String password, boolean tls, Question<T> question) {
        InstanceEndpoint endpoint = new InstanceEndpoint(host, port, username == null || username.isBlank() ? null
                : username, password, tls);
        try {
            networks.check(host); // before anything is sent to it
            try (InstanceClient client = InstanceClient.connect(endpoint, timeout)) {
                return question.ask(client);
            }
        } catch (InstanceFailure e) {
            throw failure(e);
        }
    }

    private static ProbeFailure failure(InstanceFailure e) {
        return new ProbeFailure(switch (e.kind()) {
            case UNREACHABLE -> ProbeFailure.UNREACHABLE;
            case AUTH_FAILED -> ProbeFailure.AUTH_FAILED;
            case NOT_REDIS -> ProbeFailure.NOT_REDIS;
            case NETWORK_NOT_ALLOWED -> ProbeFailure.NETWORK_NOT_ALLOWED;
        }, e.getMessage());
    }

    /** Why an instance cannot be used: {@link #UNREACHABLE}, {@link #AUTH_FAILED} or {@link #NOT_REDIS}. */
    public static class ProbeFailure extends RuntimeException {
        public static final String UNREACHABLE = "INSTANCE_UNREACHABLE";
        public static final String AUTH_FAILED = "INSTANCE_AUTH_FAILED";
        public static final String NOT_REDIS = "NOT_A_REDIS_SERVER";
        public static final String NETWORK_NOT_ALLOWED = "NETWORK_NOT_ALLOWED";
        public static final String CLUSTER_NODE = "INSTANCE_IS_CLUSTER_NODE";
        public static final String CLUSTER_NOT_READY = "CLUSTER_NOT_READY";

        private final String code;

        public ProbeFailure(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
