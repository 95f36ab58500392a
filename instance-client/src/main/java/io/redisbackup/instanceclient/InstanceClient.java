package io.redisbackup.instanceclient;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.redisbackup.instanceclient.cluster.ClusterTopology;

/**
 * Command traffic to one user's instance: INFO, its version and memory, {@code CLUSTER NODES}, checks before a
 * task. One plain RESP2 connection ({@link InstanceSockets}, which logs in as it connects and speaks TLS), each
 * command and its reply in turn on the calling thread; every read waits at most the timeout. It was Vert.x's Redis
 * client, a client and a pool made for each connection and a login by {@code HELLO}: a connection and two INFOs
 * took 1.7-2.4 ms of a warm JVM against 0.25 ms on a plain socket, and the first one 214 ms against 9 (2 cores, 50
 * rounds), while a cluster recovery connects to its seed and to every master before it writes.
 */
public final class InstanceClient implements AutoCloseable {

    /** The longest bulk reply taken; an INFO or a large cluster's CLUSTER NODES is some KiB. */
    static final int MAX_BULK = 16 << 20;
    /** The most elements of an array reply taken. */
    static final int MAX_ELEMENTS = 1 << 16;
    private static final int MAX_DEPTH = 8;

    private final InstanceEndpoint endpoint;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    /** After a reply could not be read whole, nothing more is sent on the connection. */
    private IOException broken;

    private InstanceClient(InstanceEndpoint endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
    }

    /**
     * Connects and logs in, or says plainly why the instance cannot be used: a server reached without a password is
     * asked {@code PING}, so that one that does not speak Redis is told apart here, as a login tells it.
     */
    public static InstanceClient connect(InstanceEndpoint endpoint, Duration timeout) throws InstanceFailure {
        Socket socket = InstanceSockets.open(endpoint, timeout, 0);
        try {
            InstanceClient client = new InstanceClient(endpoint, socket);
            if (endpoint.password() == null) {
                client.send("PING");
            }
            return client;
        } catch (IOException | RuntimeException e) {
            InstanceSockets.closeQuietly(socket);
            throw InstanceFailure.of(endpoint, e);
        } catch (InstanceFailure e) {
            InstanceSockets.closeQuietly(socket);
            // a server that wants a password answers PING with NOAUTH
            throw e;
        }
    }

    /**
     * A client on a connection opened and logged into elsewhere ({@link InstanceSockets#open}), to ask a few things
     * before the connection goes on to other use: it reads exactly the replies to what it sends. Closing it closes
     * the socket.
     */
    public static InstanceClient over(InstanceEndpoint endpoint, Socket socket) throws InstanceFailure {
        try {
            return new InstanceClient(endpoint, socket);
        } catch (IOException e) {
            throw InstanceFailure.of(endpoint, e);
        }
    }

    /**
     * One command and its reply: a {@code String} (a status, or a bulk string read as UTF-8), a {@code Long}, a
     * {@code List} of replies, or null. An error reply is an {@link InstanceFailure}; so is a reply that is not
     * RESP, or larger than this client takes.
     */
    public Object send(String... args) throws InstanceFailure {
        if (broken != null) {
            throw InstanceFailure.of(endpoint, broken);
        }
        try {
            out.write(InstanceSockets.command(args));
            out.flush();
            return reply(0);
        } catch (ErrorReply e) {
            throw InstanceFailure.refused(endpoint, e.getMessage(), false);
        } catch (IOException e) {
            broken = e;
            throw InstanceFailure.of(endpoint, e);
        }
    }

    /** One field of {@code INFO section}, if the server gives it. */
    public Optional<String> info(String section, String field) throws InstanceFailure {
        return Optional.ofNullable(info(section).get(field));
    }

    /** Every field of one section of the server's {@code INFO}, by name. */
    public Map<String, String> info(String section) throws InstanceFailure {
        return infoFields(send("INFO", section) instanceof String text ? text : "");
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
        Object reply = send("CLUSTER", "NODES");
        try {
            return ClusterTopology.parse(reply instanceof String text ? text : "", endpoint.host());
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
        InstanceSockets.closeQuietly(socket);
    }

    /**
     * A RESP2 reply. An error in an array is thrown after the array's other elements are read, so the connection
     * stays in step.
     */
    private Object reply(int depth) throws IOException, ErrorReply {
        String line = InstanceSockets.line(in);
        if (line.isEmpty()) {
            throw new IOException("an empty line where a reply was due");
        }
        String rest = line.substring(1);
        return switch (line.charAt(0)) {
            case '+' -> rest;
            case '-' -> throw new ErrorReply(rest);
            case ':' -> number(line);
            case '$' -> bulk(length(line, MAX_BULK));
            case '*' -> array(length(line, MAX_ELEMENTS), depth);
            default -> throw new IOException("not a RESP reply: " + line.substring(0, Math.min(line.length(), 40)));
        };
    }

    private String bulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("a bulk reply cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private List<Object> array(int length, int depth) throws IOException, ErrorReply {
        if (length < 0) {
            return null;
        }
        if (depth >= MAX_DEPTH) {
            throw new IOException("arrays nested deeper than " + MAX_DEPTH);
        }
        List<Object> elements = new ArrayList<>(Math.min(length, 1024));
        ErrorReply error = null;
        for (int i = 0; i < length; i++) {
            try {
                elements.add(reply(depth + 1));
            } catch (ErrorReply e) {
                error = error == null ? e : error;
            }
        }
        if (error != null) {
            throw error;
        }
        return elements;
    }

    private static long number(String line) throws IOException {
        try {
            return Long.parseLong(line, 1, line.length(), 10);
        } catch (NumberFormatException e) {
            throw new IOException("not a RESP number: " + line.substring(0, Math.min(line.length(), 40)));
        }
    }

    /** The length a {@code $} or {@code *} line gives: -1 (null) up to {@code most}. */
    private static int length(String line, int most) throws IOException {
        long length = number(line);
        if (length < -1 || length > most) {
            throw new IOException("a reply of " + length + " (at most " + most + " taken)");
        }
        return (int) length;
    }

    /** An error reply from the server. */
    private static final class ErrorReply extends Exception {
        ErrorReply(String message) {
            super(message, null, false, false);
        }
    }
}
