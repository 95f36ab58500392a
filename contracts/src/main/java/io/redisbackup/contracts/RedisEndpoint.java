package io.redisbackup.contracts;

import io.redisbackup.contracts.secret.SealedSecret;

/** Where a Redis instance answers and how to log in; the password only ever travels sealed. */
public record RedisEndpoint(String host, int port, String username, SealedSecret password, boolean tls) {
}
