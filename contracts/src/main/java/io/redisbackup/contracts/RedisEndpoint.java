package io.redisbackup.contracts;

import java.util.UUID;

import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SealedSecret;

/**
 * Where a Redis instance answers and how to log in; the password only ever travels sealed, bound to the instance
 * and this endpoint ({@link #binding}).
 */
public record RedisEndpoint(String host, int port, String username, SealedSecret password, boolean tls) {

    /** What the password's seal must be bound to, for this endpoint of this instance. */
    public SealBinding binding(UUID instanceId) {
        return new SealBinding(instanceId, host, port, username, tls);
    }
}
