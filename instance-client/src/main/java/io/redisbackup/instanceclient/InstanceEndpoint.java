package io.redisbackup.instanceclient;

import java.util.UUID;

import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.secret.SecretCipher;

/**
 * Where a user's Redis instance answers and how to log in, the password in clear: what a service holds only while
 * it talks to the instance. On the wire and at rest the password is sealed ({@link RedisEndpoint}).
 *
 * @param username null for the default user
 * @param password null when the instance asks for none
 */
public record InstanceEndpoint(String host, int port, String username, String password, boolean tls) {

    /** The endpoint a command carries, its password opened with the seal's binding to the instance. */
    public static InstanceEndpoint opened(RedisEndpoint sealed, UUID instanceId, SecretCipher cipher) {
        return new InstanceEndpoint(sealed.host(), sealed.port(), sealed.username(),
                cipher.open(sealed.password(), sealed.binding(instanceId)), sealed.tls());
    }

    /** Another server logged into as this one: a node of the same cluster. */
    public InstanceEndpoint at(String otherHost, int otherPort) {
        return new InstanceEndpoint(otherHost, otherPort, username, password, tls);
    }

    /** {@code host:port}: what messages name; never the password. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
