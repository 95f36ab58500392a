package io.redisbackup.apigateway.redis;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

import io.redisbackup.apigateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Connects to an instance once, as a registration does: logs in and reads its version. */
@ApplicationScoped
public class RedisProbe {

    private final Duration timeout;
    private final AllowedNetworks networks;

    public RedisProbe(GatewayConfig config) {
        this.timeout = config.instanceCheckTimeout();
        this.networks = AllowedNetworks.of(config.instanceNetworks());
    }

    /**
     * The instance's Redis version, or {@link ProbeFailure} saying why it cannot be used. A host outside the allowed
     * networks is refused before anything is sent to it.
     */
    public String redisVersion(String host, int port, String username, String password, boolean tls) {
        networks.check(host);
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .user(username == null || username.isBlank() ? null : username)
                .password(password)
                .ssl(tls)
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .build();
        String where = host + ":" + port;
        try (Jedis jedis = new Jedis(new HostAndPort(host, port), config)) {
            String info = jedis.info("server");
            return info.lines().filter(line -> line.startsWith("redis_version:"))
                    .map(line -> line.substring("redis_version:".length()).trim())
                    .findFirst()
                    .orElseThrow(() -> new ProbeFailure(ProbeFailure.NOT_REDIS, where + " does not report a Redis version."));
        } catch (JedisDataException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("AUTH")
                    || message.contains("NOPERM")) {
                throw new ProbeFailure(ProbeFailure.AUTH_FAILED,
                        "The instance at " + where + " refused the user name or password.");
            }
            throw new ProbeFailure(ProbeFailure.NOT_REDIS, where + " answered with an error: " + firstLine(message));
        } catch (JedisConnectionException e) {
            Throwable cause = networkCause(e);
            if (cause != null) {
                throw new ProbeFailure(ProbeFailure.UNREACHABLE, "Cannot connect to " + where + ": "
                        + describe(cause) + ".");
            }
            throw new ProbeFailure(ProbeFailure.NOT_REDIS, where + " does not speak the Redis protocol ("
                    + firstLine(String.valueOf(e.getMessage())) + ").");
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        return "connection refused";
    }

    /** The network failure behind a connection error, among its causes and suppressed exceptions, if any. */
    private static Throwable networkCause(Throwable e) {
        if (e instanceof ConnectException || e instanceof SocketTimeoutException || e instanceof UnknownHostException
                || e instanceof java.net.NoRouteToHostException) {
            return e;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            Throwable found = networkCause(suppressed);
            if (found != null) {
                return found;
            }
        }
        return e.getCause() == null || e.getCause() == e ? null : networkCause(e.getCause());
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Why an instance cannot be used: {@link #UNREACHABLE}, {@link #AUTH_FAILED} or {@link #NOT_REDIS}. */
    public static class ProbeFailure extends RuntimeException {
        public static final String UNREACHABLE = "INSTANCE_UNREACHABLE";
        public static final String AUTH_FAILED = "INSTANCE_AUTH_FAILED";
        public static final String NOT_REDIS = "NOT_A_REDIS_SERVER";
        public static final String NETWORK_NOT_ALLOWED = "NETWORK_NOT_ALLOWED";

        private final String code;

        public ProbeFailure(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
