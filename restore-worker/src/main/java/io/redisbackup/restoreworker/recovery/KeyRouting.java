package io.redisbackup.restoreworker.recovery;

import java.util.Arrays;
import java.util.List;

import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.cluster.ClusterDiscovery;
import io.redisbackup.instanceclient.cluster.ClusterTopology;
import io.redisbackup.instanceclient.cluster.HashSlots;

/**
 * The servers a recovery writes to, and which of them each key goes to: the one server of a standalone instance, or
 * the master of a Redis Cluster that serves the key's slot (as the topology said when the recovery began; a slot
 * moved since answers {@code MOVED}, and the recovery stops on it).
 */
public final class KeyRouting {

    private final List<InstanceEndpoint> servers;
    private final ClusterTopology topology;
    /** The server of each slot; null for a standalone instance. */
    private final byte[] serverOfSlot;

    private KeyRouting(List<InstanceEndpoint> servers, ClusterTopology topology, byte[] serverOfSlot) {
        this.servers = servers;
        this.topology = topology;
        this.serverOfSlot = serverOfSlot;
    }

    public static KeyRouting single(InstanceEndpoint server) {
        return new KeyRouting(List.of(server), null, null);
    }

    /**
     * The masters of a steady cluster (every slot served, none moving), each logged into as {@code login} says.
     * IllegalArgumentException for a topology that is not steady, or of more than 255 masters.
     */
    public static KeyRouting cluster(InstanceEndpoint login, ClusterTopology topology) {
        if (!topology.steady() || topology.shards().size() > 255) {
            throw new IllegalArgumentException("not a steady cluster of at most 255 masters: "
                    + topology.unsteadiness());
        }
        byte[] serverOfSlot = new byte[HashSlots.COUNT];
        Arrays.fill(serverOfSlot, (byte) -1);
        for (int i = 0; i < topology.shards().size(); i++) {
            for (ClusterTopology.SlotRange range : topology.shards().get(i).slots()) {
                Arrays.fill(serverOfSlot, range.first(), range.last() + 1, (byte) i);
            }
        }
        return new KeyRouting(topology.shards().stream().map(s -> ClusterDiscovery.node(login, s.master())).toList(),
                topology, serverOfSlot);
    }

    public List<InstanceEndpoint> servers() {
        return servers;
    }

    /** Whether the target is a cluster: one database only, and keys spread by slot. */
    public boolean cluster() {
        return topology != null;
    }

    /** The target's topology when the recovery began; null for a standalone instance. */
    public ClusterTopology topology() {
        return topology;
    }

    /** The index in {@link #servers} of the server the key goes to. */
    public int serverOf(byte[] key) {
        return serverOfSlot == null ? 0 : Byte.toUnsignedInt(serverOfSlot[HashSlots.of(key)]);
    }

    @Override
    public String toString() {
        return cluster() ? "the cluster's " + servers.size() + " masters " + servers : servers.get(0).toString();
    }
}
