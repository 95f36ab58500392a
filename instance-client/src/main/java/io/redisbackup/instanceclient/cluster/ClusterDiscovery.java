package io.redisbackup.instanceclient.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceNetworks;

/**
 * Finds a Redis Cluster's topology from its seed nodes: each is asked in turn ({@code CLUSTER NODES}) until one
 * answers. A refused login stops at once (every node of a cluster has the same password); a seed that cannot be
 * reached is passed over. Every node is logged into as the cluster's endpoint says (user, password, TLS), and only
 * inside the networks instances may be on: every seed is checked before any is asked, and every node the cluster
 * names before the topology is believed (each would get the password).
 */
public final class ClusterDiscovery {

    private ClusterDiscovery() {
    }

    /** {@code host:port} or {@code [v6]:port}; IllegalArgumentException for anything else. */
    public static InstanceEndpoint node(InstanceEndpoint cluster, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not host:port: " + hostPort);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("not host:port: " + hostPort);
        }
        return cluster.at(host, port);
    }

    /** The node's endpoint, logged into as the cluster's. */
    public static InstanceEndpoint node(InstanceEndpoint cluster, ClusterTopology.Node node) {
        return cluster.at(node.host(), node.port());
    }

    /**
     * The topology as the first seed that answers sees it.
     * @throws InstanceFailure the last seed's failure when none answers, or at once a refused login, a node that
     *         is not a cluster's, or a seed or node outside {@code networks}
     */
    public static ClusterTopology discover(InstanceEndpoint cluster, List<String> seeds, Duration timeout,
            InstanceNetworks networks) throws InstanceFailure {
        for (String seed : seeds) {
            networks.check(node(cluster, seed).host());
        }
        ClusterTopology topology = ask(cluster, seeds, timeout);
        networks.check(topology);
        return topology;
    }

    private static ClusterTopology ask(InstanceEndpoint cluster, List<String> seeds, Duration timeout)
            throws InstanceFailure {
        List<String> failures = new ArrayList<>();
        InstanceFailure last = null;
        for (String seed : seeds) {
            InstanceEndpoint endpoint = node(cluster, seed);
            try (InstanceClient client = InstanceClient.connect(endpoint, timeout)) {
                if (!client.clusterEnabled()) {
                    throw new InstanceFailure(InstanceFailure.Kind.NOT_REDIS, endpoint + " is not a node of a Redis "
                            + "Cluster (cluster_enabled:0)", null);
                }
                return client.clusterTopology();
            } catch (InstanceFailure e) {
                if (e.kind() != InstanceFailure.Kind.UNREACHABLE) {
                    throw e;
                }
                failures.add(e.getMessage());
                last = e;
            }
        }
        throw new InstanceFailure(InstanceFailure.Kind.UNREACHABLE, "No seed node of the cluster answers: "
                + String.join("; ", failures), last);
    }
}
