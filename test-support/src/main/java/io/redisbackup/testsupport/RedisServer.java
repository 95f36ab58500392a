package io.redisbackup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free port of 127.0.0.1, with a password, keeping nothing on disk.
 * {@link #close()} stops it and removes its folder; a JVM that exits without closing it stops it too.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     redis.call("SET", "user:1", "alice");
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 5;

    private final TestServers.Launched process;
    private final int port;
    private final String password;
    private final Path dir;
    private final Thread stopOnExit;
    private RespConnection connection;

    private RedisServer(TestServers.Launched process, String password, Path dir) {
        this.process = process;
        this.port = process.port();
        this.password = password;
        this.dir = dir;
        this.stopOnExit = new Thread(process::stop, "stop redis-server :" + port);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** A server with a fresh random password. */
    public static RedisServer start(String... extraConfig) {
        return startWithPassword("pw-" + UUID.randomUUID(), extraConfig);
    }

    /**
     * A server requiring {@code password}; {@code extraConfig} are further {@code redis-server} arguments, such as
     * {@code "--maxmemory-policy", "allkeys-lfu"}.
     */
    public static RedisServer startWithPassword(String password, String... extraConfig) {
        return startWithPassword(password, null, extraConfig);
    }

    /** A server that loads {@code rdbFile} as it starts, as Redis does with its own dump file. */
    public static RedisServer startFromRdb(Path rdbFile, String... extraConfig) {
        return startWithPassword("pw-" + UUID.randomUUID(), rdbFile, extraConfig);
    }

    private static RedisServer startWithPassword(String password, Path rdbFile, String... extraConfig) {
        Path dir = createDir();
        if (rdbFile != null) {
            try {
                Files.copy(rdbFile, dir.resolve("dump.rdb"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String lastFailure = "";
        TestServers.Redis launcher = TestServers.inContainers() ? TestServers.redis() : LocalProcess::launch;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            RedisServer server = new RedisServer(launcher.launch(password, dir, extraConfig), password, dir);
            if (server.process.awaitReady()) {
                return server;
            }
            lastFailure = server.logTail();
            server.process.stop();
        }
        deleteDir(dir);
        throw new IllegalStateException("redis-server did not start after " + PORT_ATTEMPTS + " attempts: " + lastFailure);
    }

    public String host() {
        return process.host();
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code total_connections_received} of {@code INFO stats}: to show that nothing connected meanwhile. */
    public long connectionsReceived() {
        return callString("INFO", "stats").lines().filter(line -> line.startsWith("total_connections_received:"))
                .map(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }

    /** {@code DEBUG DIGEST}: one hash of the whole dataset (keys, values, types, expiries), to compare servers. */
    public String digest() {
        return callString("DEBUG", "DIGEST");
    }

    /**
     * {@code DEBUG DIGEST-VALUE} (value and expiry) of every key of the databases, by {@link #keyName}: to tell
     * which keys changed.
     */
    public synchronized java.util.Map<String, String> valueDigests(int... databases) {
        java.util.Map<String, String> digests = new java.util.TreeMap<>();
        for (int db : databases) {
            call("SELECT", Integer.toString(db));
            for (Object key : (java.util.List<?>) call("KEYS", "*")) {
                digests.put(keyName(db, (byte[]) key), callString("DEBUG", "DIGEST-VALUE", key));
            }
        }
        call("SELECT", "0");
        return digests;
    }

    /** A key of a database as {@link #valueDigests} names it: {@code db/key}, the key's bytes as ISO-8859-1. */
    public static String keyName(int db, byte[] key) {
        return db + "/" + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The server's dataset as an RDB file at {@code target}, written by the server itself ({@code SAVE}). */
    public Path saveRdb(Path target) {
        call("SAVE");
        try {
            return Files.copy(dir.resolve("dump.rdb"), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one command on a shared authenticated connection. */
    public synchronized Object call(Object... args) {
        if (connection == null) {
            connection = authenticatedConnection();
        }
        return connection.call(args);
    }

    public String callString(Object... args) {
        return RespConnection.asString(call(args));
    }

    /** A new connection, already authenticated; the caller closes it. */
    public RespConnection authenticatedConnection() {
        return connect(host(), port, password);
    }

    private static RespConnection connect(String host, int port, String password) {
        RespConnection fresh = RespConnection.open(host, port);
        fresh.call("AUTH", password);
        return fresh;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        process.stop();
        deleteDir(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** redis-server as a process of this machine: what every test runs on unless -Pcontainers says otherwise. */
    private record LocalProcess(Process process, int port, String password) implements TestServers.Launched {

        static LocalProcess launch(String password, Path dir, String... extraConfig) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of("redis-server",
                    "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--requirepass", password,
                    "--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb",
                    // DEBUG DIGEST, the tests' oracle, from this machine only
                    "--enable-debug-command", "local",
                    // a replica-style snapshot starts at once instead of after the default 5 s
                    "--repl-diskless-sync-delay", "0",
                    "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString()));
            command.addAll(List.of(extraConfig));
            try {
                return new LocalProcess(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.log").toFile()).start(), port, password);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot run redis-server: is it installed and on the PATH?", e);
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public boolean awaitReady() {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (Instant.now().isBefore(deadline) && process.isAlive()) {
                try (RespConnection probe = connect(host(), port, password)) {
                    if ("PONG".equals(probe.call("PING"))) {
                        return true;
                    }
                } catch (RuntimeException notYet) {
                    sleep(20);
                }
            }
            return false;
        }

        @Override
        public void stop() {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path createDir() {
        try {
            return Files.createTempDirectory("redis-server-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteDir(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
