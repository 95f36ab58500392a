package io.redisbackup.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A Redis Cluster of the benchmark's own: {@code masters} {@code redis-server --cluster-enabled yes} processes (no
 * replicas), one password, joined by {@code redis-cli --cluster create}, ready when {@link #start} returns.
 */
final class BenchCluster implements AutoCloseable {

    /** {@code DEBUG}, which Jedis names no constant for. */
    private static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

    private final List<RedisProcess> masters;

    private BenchCluster(List<RedisProcess> masters) {
        this.masters = masters;
    }

    static BenchCluster start(Path work, String name, int masters) throws IOException, InterruptedException {
        List<RedisProcess> nodes = new ArrayList<>();
        String password = "bench-" + java.util.UUID.randomUUID(); // one for every node, as a cluster has
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(RedisProcess.startWithPassword(work, name + "-" + i, password, "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--repl-diskless-sync-delay", "0",
                        "--enable-debug-command", "local"));
            }
            List<String> create = new ArrayList<>(nodes.get(0).cli("--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Bench.timedProcess(create, null);
            BenchCluster cluster = new BenchCluster(nodes);
            cluster.awaitReady();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            nodes.forEach(RedisProcess::close);
            throw e;
        }
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisProcess node : masters) {
                try (Jedis jedis = node.connect()) {
                    ok &= jedis.clusterInfo().contains("cluster_state:ok");
                }
            }
            if (ok) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the cluster did not become ready in 60 s");
    }

    List<RedisProcess> masters() {
        return masters;
    }

    String password() {
        return masters.get(0).password;
    }

    /** A cluster client, following the slots as a cluster's users do. */
    JedisCluster client() {
        return new JedisCluster(Set.of(new HostAndPort("127.0.0.1", masters.get(0).port)),
                DefaultJedisClientConfig.builder().password(password()).socketTimeoutMillis(600_000).build());
    }

    /**
     * One figure for the whole dataset, whichever master holds which key: over every key, its name, its value's
     * {@code DEBUG DIGEST-VALUE} and its absolute expiry ({@code PEXPIRETIME}), summed so that the order does not
     * count; and how many keys. Two clusters with the same figure hold the same keys with the same values and
     * expiries.
     */
    String digest() throws NoSuchAlgorithmException {
        long sum = 0;
        long keys = 0;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (RedisProcess master : masters) {
            try (Jedis jedis = master.connect()) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
                    Pipeline pipeline = jedis.pipelined();
                    List<Response<Object>> digests = new ArrayList<>();
                    List<Response<Long>> expiries = new ArrayList<>();
                    for (String key : page.getResult()) {
                        digests.add(pipeline.sendCommand(DEBUG, "DIGEST-VALUE", key));
                        expiries.add(pipeline.pexpireTime(key));
                    }
                    pipeline.sync();
                    for (int i = 0; i < page.getResult().size(); i++) {
                        sha.update(page.getResult().get(i).getBytes(StandardCharsets.UTF_8));
                        sha.update((byte) 0);
                        Object digest = digests.get(i).get(); // DEBUG DIGEST-VALUE answers one a key named
                        sha.update((byte[]) (digest instanceof List<?> one ? one.get(0) : digest));
                        sha.update(Long.toString(expiries.get(i).get()).getBytes(StandardCharsets.US_ASCII));
                        byte[] hash = sha.digest();
                        sum += java.nio.ByteBuffer.wrap(hash).getLong();
                        keys++;
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
        return keys + " keys, " + Long.toHexString(sum);
    }

    @Override
    public void close() {
        masters.forEach(RedisProcess::close);
    }
}
