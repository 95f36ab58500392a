package io.redisbackup.apigateway.redis;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The networks instances may be registered on ({@code gateway.instance-networks}, CIDR blocks such as
 * {@code 10.20.0.0/16} or {@code fd00::/8}): a host whose addresses are not all inside is refused before anything
 * is sent to it, so the gateway cannot be made to knock on other doors.
 */
public final class AllowedNetworks {

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

    private AllowedNetworks(List<Block> blocks, String text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** Parses CIDR blocks; a bad one is an {@link IllegalArgumentException} naming it. */
    public static AllowedNetworks of(List<String> cidrs) {
        List<Block> blocks = cidrs.stream().map(String::strip).map(AllowedNetworks::block).toList();
        return new AllowedNetworks(blocks, String.join(", ", cidrs));
    }

    /** Whether the address lies in one of the blocks. */
    public boolean allows(InetAddress address) {
        byte[] bytes = address.getAddress();
        return blocks.stream().anyMatch(block -> block.contains(bytes));
    }

    /** The addresses of the host, every one allowed; else {@link RedisProbe.ProbeFailure} with NETWORK_NOT_ALLOWED. */
    public void check(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new RedisProbe.ProbeFailure(RedisProbe.ProbeFailure.UNREACHABLE, "Cannot connect to " + host + ": unknown host.");
        }
        if (!Arrays.stream(addresses).allMatch(this::allows)) {
            throw new RedisProbe.ProbeFailure(RedisProbe.ProbeFailure.NETWORK_NOT_ALLOWED, host + " is not on a network instances may be "
                    + "registered on (" + text + ").");
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
