package io.redisbackup.instanceclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstanceNetworksTest {

    @Test
    void allowsAddressesInsideTheBlocksOnly() throws Exception {
        InstanceNetworks networks = InstanceNetworks.of(List.of("10.20.0.0/16", "192.168.1.7/32", "fd00::/8"));
        assertTrue(networks.allows(InetAddress.getByName("10.20.255.1")));
        assertFalse(networks.allows(InetAddress.getByName("10.21.0.1")));
        assertTrue(networks.allows(InetAddress.getByName("192.168.1.7")));
        assertFalse(networks.allows(InetAddress.getByName("192.168.1.8")));
        assertTrue(networks.allows(InetAddress.getByName("fd12::1")));
        assertFalse(networks.allows(InetAddress.getByName("fe80::1")));
        assertFalse(networks.allows(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void allowsEverythingWithTheDefault() throws Exception {
        InstanceNetworks all = InstanceNetworks.ALL;
        assertTrue(all.allows(InetAddress.getByName("203.0.113.9")));
        assertTrue(all.allows(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void refusesAHostOutsideWithItsOwnKind() throws Exception {
        InstanceFailure refused = assertThrows(InstanceFailure.class,
                () -> InstanceNetworks.of(List.of("127.0.0.1/32")).check("127.0.0.2"));
        assertEquals(InstanceFailure.Kind.NETWORK_NOT_ALLOWED, refused.kind());
        InstanceNetworks.of(List.of("127.0.0.1/32")).check("127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = { "10.0.0.0/33", "example.com/8", "", "10.0.0.0/x", "::/129" })
    void refusesWhatIsNotACidrBlock(String cidr) {
        assertThrows(IllegalArgumentException.class, () -> InstanceNetworks.of(List.of(cidr)));
    }
}
