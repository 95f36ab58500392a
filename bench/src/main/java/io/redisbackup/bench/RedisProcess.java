package io.redisbackup.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import redis.clients.jedis.Jedis;

/** A {@code redis-server} of the benchmark's own, with a password, keeping nothing on disk, stopped at the end. */
final class RedisProcess implements AutoCloseable {

    final int port;
    final String password;
    private final Process process;

    private RedisProcess(int port, String password, Process process) {
        this.port = port;
        this.password = password;
        this.process = process;
    }

    /** @param extra more of the server's settings, as {@code redis-server} takes them ({@code "--cluster-enabled", "yes"}) */
    /** The server's process id. */
    long pid() {
        return process.pid();
    }

    static RedisProcess start(Path work, String name, String... extra) throws IOException, InterruptedException {
        return startWithPassword(work, name, "bench-" + UUID.randomUUID(), extra);
    }

    /** A server whose password is {@code password} (the one of every node of a cluster). */
    static RedisProcess startWithPassword(Path work, String name, String password, String... extra)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve(name));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--requirepass", password,
                "--masterauth", password));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisProcess redis = new RedisProcess(port, password, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Jedis jedis = redis.connect()) {
                jedis.ping();
                return redis;
            } catch (RuntimeException notYet) {
                Thread.sleep(50);
            }
        }
        redis.close();
        throw new IllegalStateException("redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
    }

    Jedis connect() {
        Jedis jedis = new Jedis("127.0.0.1", port, 600_000);
        jedis.auth(password);
        return jedis;
    }

    /** {@code redis-cli} against this server, then {@code args}. */
    List<String> cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-a", password, "--no-auth-warning"));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
