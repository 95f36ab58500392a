package io.redisbackup.restoreworker.recovery;

import java.time.Duration;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** The instance a backup is recovered into, and how to log in to it. */
public record RecoveryTarget(String host, int port, String username, String password, boolean tls) {

    /** The instance's Redis version: it is reachable and takes the login, or a failure says plainly why not. */
    public String redisVersion(Duration timeout) throws RecoveryFailure {
        try (Jedis jedis = connect(timeout)) {
            return jedis.info("server").lines().filter(line -> line.startsWith("redis_version:"))
                    .map(line -> line.substring("redis_version:".length()).trim()).findFirst().orElse("unknown");
        }
    }

    /** An authenticated connection, or a failure saying plainly why there is none. */
    private Jedis connect(Duration timeout) throws RecoveryFailure {
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .user(username).password(password).ssl(tls)
                .connectionTimeoutMillis((int) timeout.toMillis()).socketTimeoutMillis((int) timeout.toMillis())
                .build();
        Jedis jedis = null;
        try {
            // the client logs in as it connects
            jedis = new Jedis(new HostAndPort(host, port), config);
            jedis.ping();
            return jedis;
        } catch (JedisDataException e) {
            close(jedis);
            throw new RecoveryFailure(RecoveryFailure.TARGET_AUTH_FAILED, this + " refused the user name or password.", e);
        } catch (JedisConnectionException e) {
            close(jedis);
            throw new RecoveryFailure(RecoveryFailure.TARGET_UNREACHABLE, "Cannot connect to " + this + ".", e);
        }
    }

    private static void close(Jedis jedis) {
        if (jedis != null) {
            jedis.close();
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
