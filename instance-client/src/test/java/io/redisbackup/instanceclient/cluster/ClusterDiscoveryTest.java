package io.redisbackup.instanceclient.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceNetworks;
import io.redisbackup.testsupport.RedisServer;

/**
 * The networks instances may be on hold for every node a cluster names, not only for the seeds a user gave: a real
 * one-node cluster reached at 127.0.0.1 that says its node is at 127.0.0.2 (as a cluster may name any address).
 */
class ClusterDiscoveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    static RedisServer node;

    @BeforeAll
    static void start() {
        node = RedisServer.start("--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.2");
        node.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void findsTheTopologyWhenEveryNodeIsInsideTheNetworks() throws Exception {
        ClusterTopology topology = discover(InstanceNetworks.of(List.of("127.0.0.0/8")));
        assertEquals(1, topology.shards().size());
        assertEquals("127.0.0.2", topology.shards().get(0).master().host());
    }

    @Test
    void refusesAClusterThatNamesANodeOutsideTheNetworks() {
        InstanceFailure refused = assertThrows(InstanceFailure.class,
                () -> discover(InstanceNetworks.of(List.of("127.0.0.1/32"))));
        assertEquals(InstanceFailure.Kind.NETWORK_NOT_ALLOWED, refused.kind());
        assertTrue(refused.getMessage().contains("127.0.0.2"), refused.getMessage());
    }

    @Test
    void refusesASeedOutsideTheNetworksWithoutConnectingToIt() {
        long connections = node.connectionsReceived();
        InstanceFailure refused = assertThrows(InstanceFailure.class,
                () -> discover(InstanceNetworks.of(List.of("10.0.0.0/8"))));
        assertEquals(InstanceFailure.Kind.NETWORK_NOT_ALLOWED, refused.kind());
        assertEquals(connections, node.connectionsReceived(), "nothing may be sent to a seed outside the networks");
    }

    private static ClusterTopology discover(InstanceNetworks networks) throws InstanceFailure {
        InstanceEndpoint login = new InstanceEndpoint("seed", 0, null, node.password(), false);
        return ClusterDiscovery.discover(login, List.of("127.0.0.1:" + node.port()), TIMEOUT,
                networks);
    }
}
