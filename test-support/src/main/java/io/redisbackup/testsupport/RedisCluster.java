package io.redisbackup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real Redis Cluster on this machine: {@code masters} masters with {@code replicasEach} replicas each, every one a
 * {@code redis-server --cluster-enabled yes} process on a free port (its bus port 10000 above), one password for all,
 * joined with {@code redis-cli --cluster create} and ready (every slot served, {@code cluster_state:ok}, each
 * replica attached) when {@link #start} returns. Stopped and removed by {@link #close}.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);

    private final List<RedisServer> nodes;
    private final String password;

    private RedisCluster(List<RedisServer> nodes, String password) {
        this.nodes = nodes;
        this.password = password;
    }

    /** Three masters with one replica each, the shape the tests use. */
    public static RedisCluster start() {
        return start(3, 1);
    }

    public static RedisCluster start(int masters, int replicasEach) {
        String password = "pw-" + UUID.randomUUID();
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters * (1 + replicasEach); i++) {
                nodes.add(RedisServer.startWithPassword(password, "--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--cluster-node-timeout", "5000", "--masterauth", password,
                        "--appendonly", "no"));
            }
            RedisCluster cluster = new RedisCluster(nodes, password);
            cluster.create(replicasEach);
            cluster.awaitReady(masters, masters * replicasEach);
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    private void create(int replicasEach) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-a", password, "--no-auth-warning", "--cluster",
                "create"));
        nodes.forEach(node -> command.add(node.host() + ":" + node.port()));
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasEach), "--cluster-yes"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0 || !output.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run redis-cli: is it installed and on the PATH?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Until every node says the cluster is ok and sees all its masters and connected replicas. */
    private void awaitReady(int masters, int replicas) {
        long deadline = System.nanoTime() + READY.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ready = true;
            for (RedisServer node : nodes) {
                String info = node.callString("CLUSTER", "INFO");
                String view = node.callString("CLUSTER", "NODES");
                last = node.port() + ": " + view;
                long seenMasters = view.lines().filter(l -> l.contains("master") && l.contains(" connected")).count();
                long seenReplicas = view.lines().filter(l -> l.contains("slave") && l.contains(" connected")
                        && !l.contains("fail")).count();
                if (!info.contains("cluster_state:ok") || seenMasters < masters || seenReplicas < replicas) {
                    ready = false;
                    break;
                }
            }
            if (ready && replicasInSync()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("The cluster did not become ready in " + READY + "; last seen " + last);
    }

    private boolean replicasInSync() {
        for (RedisServer node : nodes) {
            String replication = node.callString("INFO", "replication");
            if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                return false;
            }
        }
        return true;
    }

    /** Every node, masters and replicas, in the order they started. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The nodes that are masters now. */
    public List<RedisServer> masters() {
        return nodes.stream().filter(n -> n.callString("INFO", "replication").contains("role:master")).toList();
    }

    /**
     * Runs a command about one key (its second word) on the master that serves the key: sent to a master, then
     * where its {@code MOVED} answer points, as a cluster client does.
     */
    public Object call(Object... args) {
        RedisServer node = nodes.get(0);
        for (int hops = 0; hops < 5; hops++) {
            try {
                return node.call(args);
            } catch (RespConnection.RedisErrorReply e) {
                if (!e.getMessage().startsWith("MOVED ")) {
                    throw e;
                }
                int port = Integer.parseInt(e.getMessage().substring(e.getMessage().lastIndexOf(':') + 1).trim());
                node = nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            }
        }
        throw new IllegalStateException("the cluster keeps moving " + List.of(args));
    }

    /**
     * {@code DEBUG DIGEST-VALUE} of every key of every master, by {@link RedisServer#keyName}: the whole cluster's
     * dataset, to compare with another cluster's however their slots are spread.
     */
    public java.util.Map<String, String> valueDigests() {
        java.util.Map<String, String> all = new java.util.TreeMap<>();
        masters().forEach(master -> all.putAll(master.valueDigests(0)));
        return all;
    }

    /** Until every master's writes so far have reached its replicas ({@code WAIT}). */
    public void awaitReplicated(int replicasEach) {
        for (RedisServer master : masters()) {
            Object acknowledged = master.call("WAIT", Integer.toString(replicasEach), "10000");
            if (((Long) acknowledged) < replicasEach) {
                throw new IllegalStateException("the replicas of " + master.port() + " did not catch up");
            }
        }
    }

    /** The node's id in the cluster ({@code CLUSTER MYID}). */
    public static String id(RedisServer node) {
        return node.callString("CLUSTER", "MYID");
    }

    /**
     * Moves an empty slot to another master, the way {@code redis-cli --cluster reshard} does (importing, migrating,
     * then the new owner told to every master).
     */
    public void moveEmptySlot(int slot, RedisServer from, RedisServer to) {
        to.call("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", id(from));
        from.call("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", id(to));
        to.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", id(to));
        from.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", id(to));
        for (RedisServer master : masters()) {
            if (master != from && master != to) {
                master.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", id(to));
            }
        }
    }

    /** The slot ranges the master serves now ({@code "0-5460"}, {@code "5461"}). */
    public List<String> slotsOf(RedisServer master) {
        List<String> ranges = new ArrayList<>();
        for (Object range : (List<?>) master.call("CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) ((List<?>) r.get(2)).get(1) == master.port()) {
                ranges.add(r.get(0).equals(r.get(1)) ? r.get(0).toString() : r.get(0) + "-" + r.get(1));
            }
        }
        return ranges;
    }

    /** The master that serves the slot now. */
    public RedisServer masterOf(int slot) {
        for (Object range : (List<?>) masters().get(0).call("CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                long port = (Long) ((List<?>) r.get(2)).get(1);
                return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    /** The one password of every node. */
    public String password() {
        return password;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
