package io.redisbackup.instanceclient;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import io.redisbackup.instanceclient.cluster.ClusterTopology;

/**
 * The networks instances may be on ({@code redis-backup.instance-networks}, CIDR blocks such as {@code 10.20.0.0/16}
 * or {@code fd00::/8}): a host whose addresses are not all inside is refused before anything is sent to it (a
 * password least of all), so no service can be made to knock on other doors. The gateway checks an instance's hosts
 * when it is registered; the workers check them again before each task, and every node a cluster names then.
 */
public final class InstanceNetworks {

    /** Every address: the default. */
    public static final InstanceNetworks ALL = of(List.of("0.0.0.0/0", "::/0"));

    private record Block(byte[] prefix, int bits) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            BigInteger mask = bits == 0 ? BigInteger.ZERO
                    : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftLeft(address.length * 8 - bits);
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, prefix).and(mask));
        }
    }

    private final List<Block> blocks;
    private final String text;

    private InstanceNetworks(List<Block> blocks, String text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** Parses CIDR blocks; a bad one is an {@link IllegalArgumentException} naming it. */
    public static InstanceNetworks of(List<String> cidrs) {
        List<Block> blocks = cidrs.stream().map(String::strip).map(InstanceNetworks::block).toList();
        return new InstanceNetworks(blocks, String.join(", ", cidrs));
    }

    /** Whether the address lies in one of the blocks. */
    public boolean allows(InetAddress address) {
        byte[] bytes = address.getAddress();
        return blocks.stream().anyMatch(block -> block.contains(bytes));
    }

    /**
     * The addresses of the host, every one allowed; else {@link InstanceFailure.Kind#NETWORK_NOT_ALLOWED} (a host
     * that does not resolve: {@link InstanceFailure.Kind#UNREACHABLE}).
     */
    public void check(String host) throws InstanceFailure {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InstanceFailure(InstanceFailure.Kind.UNREACHABLE, "Cannot connect to " + host
                    + ": unknown host.", e);
        }
        if (!Arrays.stream(addresses).allMatch(this::allows)) {
            throw new InstanceFailure(InstanceFailure.Kind.NETWORK_NOT_ALLOWED, host + " is not on a network "
                    + "instances may be on (" + text + ").", null);
        }
    }

    /** {@link #check} of every node of the cluster, masters and replicas: each would be sent the password. */
    public void check(ClusterTopology topology) throws InstanceFailure {
        for (ClusterTopology.Shard shard : topology.shards()) {
            check(shard.master().host());
            for (ClusterTopology.Node replica : shard.replicas()) {
                check(replica.host());
            }
        }
    }

    private static Block block(String cidr) {
        String[] parts = cidr.split("/", 2);
        try {
            if (parts[0].isEmpty() || !parts[0].matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException();
            }
            byte[] prefix = InetAddress.getByName(parts[0]).getAddress();
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : prefix.length * 8;
            if (bits < 0 || bits > prefix.length * 8) {
                throw new IllegalArgumentException();
            }
            return new Block(prefix, bits);
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR block such as 10.0.0.0/8 or fd00::/8");
        }
    }
}
