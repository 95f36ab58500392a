package io.redisbackup.instanceclient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.redisbackup.instanceclient.cluster.ClusterTopology;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Command traffic to one user's instance: INFO, its version and memory, checks before a recovery. It runs on
 * quarkus-redis-client's Vert.x Redis client, made at run time for the instance (the configured clients of
 * {@code quarkus.redis.*} are for fixed servers, and every registered instance is a server of its own), with one
 * connection, logged in as it is made. Calls block for at most the
 * timeout; call them on a worker thread, never on the event loop. Bulk traffic does not come here: the replication
 * stream and the RESTORE pipe run on {@link InstanceSockets}.
 */
public final class InstanceClient implements AutoCloseable {

    private final InstanceEndpoint endpoint;
    private final Duration timeout;
    private final Redis client;
    private final RedisConnection connection;

    private InstanceClient(InstanceEndpoint endpoint, Duration timeout, Redis client, RedisConnection connection) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.client = client;
        this.connection = connection;
    }

    /** Connects and logs in, or says plainly why the instance cannot be used. */
    public static InstanceClient connect(Vertx vertx, InstanceEndpoint endpoint, Duration timeout)
            throws InstanceFailure {
        String host = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        // the client logs in as it connects, in its first command (HELLO 2 AUTH ..., else AUTH on a server older
        // than Redis 6), before anything else is sent
        String login = endpoint.password() == null ? ""
                : (endpoint.username() == null ? "" : encode(endpoint.username())) + ":" + encode(endpoint.password())
                        + "@";
        RedisOptions options = new RedisOptions()
                .setConnectionString((endpoint.tls() ? "rediss://" : "redis://") + login + host + ":"
                        + endpoint.port())
                .setProtocolNegotiation(true)
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                .setMaxPoolSize(1)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(Math.toIntExact(timeout.toMillis()))
                        .setTcpNoDelay(true).setSsl(endpoint.tls()));
        Redis client = Redis.createClient(vertx, options);
        RedisConnection connection = null;
        try {
            connection = await(client.connect(), timeout);
            return new InstanceClient(endpoint, timeout, client, connection);
        } catch (ErrorReply e) {
            close(client, connection);
            throw InstanceFailure.refused(endpoint, e.getMessage(), endpoint.password() != null);
        } catch (RuntimeException e) {
            close(client, connection);
            throw InstanceFailure.of(endpoint, e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void close(Redis client, RedisConnection connection) {
        if (connection != null) {
            connection.close();
        }
        client.close();
    }

    /** One command and its reply; an error reply is an {@link InstanceFailure}. */
    public Response send(Command command, Object... args) throws InstanceFailure {
        return send(connection, Request.cmd(command, args), timeout, endpoint, false);
    }

    /** One field of {@code INFO section}, if the server gives it. */
    public Optional<String> info(String section, String field) throws InstanceFailure {
        return Optional.ofNullable(info(section).get(field));
    }

    /** Every field of one section of the server's {@code INFO}, by name. */
    public Map<String, String> info(String section) throws InstanceFailure {
        Response reply = send(Command.INFO, section);
        return infoFields(reply == null ? "" : reply.toString());
    }

    /** The fields of an {@code INFO} reply's text, by name (the first of a name, should one repeat). */
    public static Map<String, String> infoFields(String text) {
        Map<String, String> fields = new HashMap<>();
        text.lines().filter(line -> !line.startsWith("#") && line.indexOf(':') > 0).forEach(line -> fields
                .putIfAbsent(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).trim()));
        return fields;
    }

    /**
     * Whether the server is a node of a Redis Cluster ({@code cluster_enabled:1}): it holds only the keys of its own
     * slots, so neither a backup of it alone nor a recovery into it alone is a whole instance's.
     */
    public boolean clusterEnabled() throws InstanceFailure {
        return "1".equals(info("cluster").get("cluster_enabled"));
    }

    /** The cluster as this node sees it ({@code CLUSTER NODES}); a server that is not a cluster node refuses. */
    public ClusterTopology clusterTopology() throws InstanceFailure {
        Response reply = send(Command.CLUSTER, "NODES");
        try {
            return ClusterTopology.parse(reply == null ? "" : reply.toString(), endpoint.host());
        } catch (IllegalArgumentException e) {
            throw new InstanceFailure(InstanceFailure.Kind.NOT_REDIS, endpoint + " answered CLUSTER NODES with "
                    + "what is not a cluster's topology: " + e.getMessage(), e);
        }
    }

    /** The server's {@code redis_version}; a server that gives none is not Redis. */
    public String redisVersion() throws InstanceFailure {
        return info("server", "redis_version").orElseThrow(() -> new InstanceFailure(InstanceFailure.Kind.NOT_REDIS,
                endpoint + " does not report a Redis version.", null));
    }

    @Override
    public void close() {
        connection.close();
        client.close();
    }

    private static Response send(RedisConnection connection, Request request, Duration timeout,
            InstanceEndpoint endpoint, boolean login) throws InstanceFailure {
        try {
            return await(connection.send(request), timeout);
        } catch (RuntimeException e) {
            throw InstanceFailure.of(endpoint, e);
        } catch (ErrorReply e) {
            throw InstanceFailure.refused(endpoint, e.getMessage(), login);
        }
    }

    /** An error reply from the server. */
    private static final class ErrorReply extends Exception {
        ErrorReply(String message) {
            super(message, null, false, false);
        }
    }

    private static <T> T await(Future<T> future, Duration timeout) throws ErrorReply {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // the client reports what it could not parse as an error reply of its own, ILLEGAL_STATE
            if (cause instanceof io.vertx.redis.client.impl.types.ErrorType error
                    && !String.valueOf(error.getMessage()).startsWith("ILLEGAL_STATE")) {
                throw new ErrorReply(error.getMessage());
            }
            throw new InstanceFailureCarrier(cause);
        } catch (TimeoutException e) {
            throw new InstanceFailureCarrier(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstanceFailureCarrier(e);
        }
    }

    /** A failure on the way, carried to where it is sorted ({@link InstanceFailure#of}). */
    private static final class InstanceFailureCarrier extends RuntimeException {
        InstanceFailureCarrier(Throwable cause) {
            super(cause == null ? "no reason given" : cause.toString(), cause);
        }
    }
}
