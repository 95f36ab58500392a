package io.redisbackup.instanceclient.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;

/** A cluster's shards, read from what one of its nodes says. */
class ClusterTopologyTest {

    /** The example of Redis's documentation of CLUSTER NODES, a replica's line changed to show a failed one. */
    static final String DOCUMENTED = """
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,hostname4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
            67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002,hostname2 master - 0 1426238316232 2 connected 5461-10922
            292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003,hostname3 master - 0 1426238318243 3 connected 10923-16383
            6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005,hostname5 slave,fail 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected
            824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006,hostname6 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238317741 6 connected
            e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,hostname1 myself,master - 0 0 1 connected 0-5460
            """;

    @Test
    void readsShardsSlotsAndReplicasUpInSlotOrder() {
        ClusterTopology topology = ClusterTopology.parse(DOCUMENTED, "127.0.0.1");

        assertTrue(topology.complete(), topology.problems().toString());
        assertEquals(List.of(30001, 30002, 30003), topology.shards().stream().map(s -> s.master().port()).toList());
        assertEquals(List.of(new ClusterTopology.SlotRange(0, 5460)), topology.shards().get(0).slots());
        assertEquals(List.of(30004), topology.shards().get(0).replicas().stream().map(ClusterTopology.Node::port)
                .toList());
        assertEquals(List.of(), topology.shards().get(1).replicas(), "its one replica has failed");
        assertEquals(30003, topology.shardOf(16383).orElseThrow().master().port());
        assertEquals(5462, topology.shards().get(1).slotCount());
    }

    @Test
    void saysWhatIsMissing() {
        String masterFailed = DOCUMENTED.replace("myself,master - 0 0 1 connected 0-5460",
                "master,fail - 0 0 1 disconnected 0-5460");
        ClusterTopology topology = ClusterTopology.parse(masterFailed, "127.0.0.1");
        assertFalse(topology.complete());
        assertTrue(topology.problems().get(0).contains("master 127.0.0.1:30001 is failed"), topology.problems().toString());
        assertTrue(topology.problems().get(1).contains("serve 10923 of the 16384 slots"), topology.problems().toString());
        assertTrue(topology.shardOf(0).isEmpty());
    }

    @Test
    void readsSingleSlotsMigratingSlotsIpv6AndANodeWithoutItsOwnAddress() {
        String nodes = """
                aaaa :7000@17000 myself,master - 0 0 1 connected 0-100 101 102-16382 [16383->-bbbb]
                bbbb [::1]:7001@17001 master - 0 0 2 connected 16383
                """;
        ClusterTopology topology = ClusterTopology.parse(nodes, "10.0.0.5");
        assertTrue(topology.complete(), topology.problems().toString());
        assertFalse(topology.steady(), "a slot is being moved");
        assertEquals(List.of("16383 moving to node bbbb (at 10.0.0.5:7000)"), topology.moving());
        assertEquals("10.0.0.5:7000", topology.shards().get(0).master().toString());
        assertEquals("[::1]:7001", topology.shards().get(1).master().toString());
        assertEquals(16383, topology.shards().get(0).slotCount());
    }

    @Test
    void refusesWhatIsNotClusterNodes() {
        for (String wrong : List.of("ERR This instance has cluster support disabled", "a b c d e f g h",
                "aaaa 127.0.0.1:7000@1 master - 0 0 1 connected 0-99999",
                "aaaa 127.0.0.1:x@1 master - 0 0 1 connected 0-5")) {
            assertThrows(IllegalArgumentException.class, () -> ClusterTopology.parse(wrong, "h"), wrong);
        }
    }

    @Test
    void matchesARealClusterWhereEveryKeyIsAcceptedByItsShardsMaster() {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisServer seed = cluster.nodes().get(4);
            ClusterTopology topology = ClusterTopology.parse(seed.callString("CLUSTER", "NODES"), seed.host());

            assertTrue(topology.complete(), topology.problems().toString());
            assertEquals(3, topology.shards().size());
            topology.shards().forEach(shard -> assertEquals(1, shard.replicas().size(), shard.toString()));
            Random random = new Random(5);
            for (int i = 0; i < 200; i++) {
                byte[] key = ("key:" + random.nextInt()).getBytes();
                ClusterTopology.Node owner = topology.shardOf(HashSlots.of(key)).orElseThrow().master();
                RedisServer master = cluster.nodes().stream().filter(n -> n.port() == owner.port()).findFirst()
                        .orElseThrow();
                assertEquals("OK", master.callString("SET", key, "v"), "no MOVED from the shard's master");
            }
        }
    }
}
