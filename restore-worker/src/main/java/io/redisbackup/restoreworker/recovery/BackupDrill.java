package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.instanceclient.RedisVersions;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;

/**
 * A restore drill: proves that a backup can be restored by restoring it into a {@code redis-server} of the drill's
 * own (localhost, a random password, nothing kept, removed after), then checking that server against the backup's key
 * index: every key the index names (save those whose expiry is passed or near) is there, with the value the backup
 * holds (its {@code DUMP} equal to the stored entry's, or, where the server keeps the value in another encoding,
 * {@code DEBUG DIGEST-VALUE} equal to that of the stored entry restored beside it), and each database holds no key
 * the index does not name. The backup's RDB is checked against its manifest on its way to the drill's directory, and
 * every entry against its CRC32C. A dataset that needs more memory than the drill may use is refused first. Knows
 * nothing of Kafka or tasks.
 */
public final class BackupDrill {

    private static final Logger LOG = Logger.getLogger(BackupDrill.class);

    /** Drill refused: the dataset needs more memory than the drill may use. */
    public static final String NOT_ENOUGH_MEMORY = "DRILL_NOT_ENOUGH_MEMORY";
    /** Drill refused: the drill's redis-server cannot load the backup's RDB version. */
    public static final String REDIS_TOO_OLD = "DRILL_REDIS_TOO_OLD";
    /** The backup did not load, or the server did not hold what the index says. */
    public static final String FAILED = "DRILL_FAILED";

    /** How many keys are checked at once (their entries read, their DUMPs asked for in one pipeline). */
    private static final int BATCH = 1000;
    /** Keys whose expiry is this near are not checked: the server may drop them while the drill runs. */
    private static final long EXPIRY_MARGIN_MS = 60_000;
    /** How many problems a failed drill names. */
    private static final int NAMED = 10;

    /** What a drill that passed checked. */
    public record Outcome(long keysChecked, long keysExpired, Map<Integer, Long> keysPerDatabase, String redisVersion,
            long loadMillis, long checkMillis) {

        /** What two parts of one backup's drill checked, together. */
        Outcome plus(Outcome other) {
            Map<Integer, Long> keys = new TreeMap<>(keysPerDatabase);
            other.keysPerDatabase.forEach((db, count) -> keys.merge(db, count, Long::sum));
            return new Outcome(keysChecked + other.keysChecked, keysExpired + other.keysExpired, keys, redisVersion,
                    loadMillis + other.loadMillis, checkMillis + other.checkMillis);
        }
    }

    private final BackupStore store;
    private final RestoreWorkerConfig.Drill config;
    private final Clock clock;

    public BackupDrill(BackupStore store, RestoreWorkerConfig.Drill config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /** Runs the drill on the backup; {@code step} hears what it does, for the task's progress. */
    public Outcome run(Manifest manifest, Consumer<String> step) throws RecoveryFailure {
        String version = serverVersion();
        if (RedisVersions.maxRdbVersion(version) < manifest.rdbVersion()) {
            throw new RecoveryFailure(REDIS_TOO_OLD, "The drill's redis-server is " + version + ", which cannot load "
                    + "this backup (RDB version " + manifest.rdbVersion() + "); set restore-worker.drill.redis-server "
                    + "to a newer one.");
        }
        checkMemory(manifest);
        Path dir;
        try {
            Path base = Path.of(config.directory().orElse(System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            dir = Files.createTempDirectory(base, "drill-");
        } catch (IOException e) {
            throw new RecoveryFailure(FAILED, "Cannot make the drill's directory: " + e.getMessage(), e);
        }
        try {
            Outcome all = null;
            for (Manifest.Part part : manifest.parts()) {
                Outcome one = run(manifest, part, dir, version, step);
                all = all == null ? one : all.plus(one);
            }
            return all;
        } finally {
            delete(dir);
        }
    }

    /** Loads one RDB into a scratch server of its own and checks it against its index. */
    private Outcome run(Manifest manifest, Manifest.Part part, Path dir, String version, Consumer<String> step)
            throws RecoveryFailure {
        step.accept("writing " + part.name() + "'s RDB for the drill's server, checking it against its manifest");
        Path rdb = dir.resolve("dump.rdb");
        try (OutputStream out = Files.newOutputStream(rdb)) {
            new BackupVerifier(store).verify(manifest, part.rdbFile(), out);
        } catch (IOException e) {
            throw new RecoveryFailure(FAILED, "Cannot write the drill's copy of the backup: " + e.getMessage(), e);
        }
        step.accept("loading " + part.name() + " into a scratch redis-server " + version);
        long started = System.nanoTime();
        try (ScratchServer server = ScratchServer.start(config.redisServer(), dir, config.loadTimeout())) {
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            step.accept("checking every key of " + part.name() + " against its index");
            long checkStarted = System.nanoTime();
            Outcome checked = check(manifest, part, rdb, server);
            return new Outcome(checked.keysChecked(), checked.keysExpired(), checked.keysPerDatabase(), version,
                    loadMillis, (System.nanoTime() - checkStarted) / 1_000_000);
        }
    }

    /** Compares the server with the index, key by key, then database by database. */
    private Outcome check(Manifest manifest, Manifest.Part part, Path rdbFile, ScratchServer server) throws RecoveryFailure {
        long checkedFrom = clock.millis();
        Checks checks = new Checks(part.rdbVersion(), checkedFrom);
        try (RespClient redis = server.connect();
                KeyIndexReader index = store.openKeyIndex(manifest, part.indexFile());
                FileChannel rdb = FileChannel.open(rdbFile, StandardOpenOption.READ)) {
            List<IndexEntry> batch = new ArrayList<>(BATCH);
            index.scan(new byte[0], (bytes, offset, length) -> true, entry -> {
                batch.add(entry);
                if (batch.size() == BATCH) {
                    checks.batch(batch, rdb, redis);
                    batch.clear();
                }
                return true;
            });
            checks.batch(batch, rdb, redis);
            checks.databases(redis, clock.millis());
        } catch (DamagedBackupException | UnknownBackupKeyException e) {
            throw RecoveryFailure.reading(manifest.backupId(), e);
        } catch (IOException e) {
            throw new RecoveryFailure(FAILED, "The drill could not check the scratch server: " + e.getMessage(), e);
        }
        if (!checks.problems.isEmpty()) {
            throw new RecoveryFailure(FAILED, "The backup loaded, but the server did not hold what " + part.name()
                    + "'s index says ("
                    + checks.problemCount + " problems; the first: " + String.join("; ", checks.problems) + ").");
        }
        return new Outcome(checks.checked, checks.expired, checks.present, null, 0, 0);
    }

    /** The checks of one drill: what they found so far. */
    private static final class Checks {
        private final int rdbVersion;
        private final long from;
        private final byte[] spare = ("rbk-drill:" + HexFormat.of().formatHex(random(8))).getBytes(StandardCharsets.UTF_8);
        private final Map<Integer, Long> present = new TreeMap<>();
        private final Map<Integer, Long> mayBePresent = new TreeMap<>();
        private final List<String> problems = new ArrayList<>();
        private long problemCount;
        private long checked;
        private long expired;
        private int selected = -1;

        Checks(int rdbVersion, long from) {
            this.rdbVersion = rdbVersion;
            this.from = from;
        }

        void batch(List<IndexEntry> entries, FileChannel rdb, RespClient redis) throws IOException {
            List<IndexEntry> live = new ArrayList<>(entries.size());
            for (IndexEntry entry : entries) {
                if (entry.expireAtMs() >= 0 && entry.expireAtMs() <= from + EXPIRY_MARGIN_MS) {
                    expired++;
                    mayBePresent.merge(entry.db(), 1L, Long::sum);
                } else {
                    live.add(entry);
                }
            }
            if (live.isEmpty()) {
                return;
            }
            // each checked against its CRC32C; a key too large to hold is read through, and its presence checked:
            // its value is what the server loaded from the file, whose own CRC64 it checked
            List<byte[]> stored = RdbEntries.readAll(rdb, live.stream().filter(e -> !RdbEntries.isLarge(e)).toList());
            List<byte[][]> commands = new ArrayList<>(live.size() * 2);
            List<Integer> dumps = new ArrayList<>(live.size());
            for (IndexEntry entry : live) {
                if (entry.db() != selected) {
                    commands.add(command("SELECT", Integer.toString(entry.db())));
                    selected = entry.db();
                }
                dumps.add(commands.size());
                commands.add(new byte[][] { bytes(RdbEntries.isLarge(entry) ? "EXISTS" : "DUMP"), entry.key() });
            }
            List<Object> replies = redis.pipeline(commands);
            int held = 0;
            for (int i = 0; i < live.size(); i++) {
                IndexEntry entry = live.get(i);
                if (RdbEntries.isLarge(entry)) {
                    RdbEntries.check(rdb, entry, rdbVersion);
                    if (!Long.valueOf(1).equals(replies.get(dumps.get(i)))) {
                        problem("key " + KeyList.format(entry.key()) + " of database " + entry.db() + " is missing");
                    }
                    present.merge(entry.db(), 1L, Long::sum);
                    checked++;
                    continue;
                }
                byte[] expected = RdbEntries.dumpPayload(stored.get(held++), rdbVersion);
                Object dumped = replies.get(dumps.get(i));
                if (!(dumped instanceof byte[] actual)) {
                    problem("key " + KeyList.format(entry.key()) + " of database " + entry.db() + " is missing");
                } else if (!sameValue(expected, actual) && !sameDigest(entry, expected, redis)) {
                    problem("key " + KeyList.format(entry.key()) + " of database " + entry.db()
                            + " has another value");
                }
                present.merge(entry.db(), 1L, Long::sum);
                checked++;
            }
        }

        /** Each database holds the keys checked, those near or past their expiry at most, and nothing else. */
        void databases(RespClient redis, long now) throws IOException {
            Object info = redis.call("INFO", "keyspace");
            Map<Integer, Long> held = new TreeMap<>();
            if (info instanceof byte[] text) {
                for (String line : new String(text, StandardCharsets.UTF_8).split("\r\n")) {
                    if (line.startsWith("db") && line.contains(":keys=")) {
                        int db = Integer.parseInt(line.substring(2, line.indexOf(':')));
                        String keys = line.substring(line.indexOf("keys=") + 5);
                        held.put(db, Long.parseLong(keys.substring(0, keys.indexOf(','))));
                    }
                }
            }
            held.forEach((db, keys) -> {
                long must = present.getOrDefault(db, 0L);
                if (keys < must || keys > must + mayBePresent.getOrDefault(db, 0L)) {
                    problem("database " + db + " holds " + keys + " keys, the index names " + must
                            + (mayBePresent.containsKey(db) ? " (and " + mayBePresent.get(db) + " near their expiry)"
                                    : ""));
                }
            });
            present.forEach((db, keys) -> {
                if (!held.containsKey(db)) {
                    problem("database " + db + " is empty, the index names " + keys + " keys in it");
                }
            });
        }

        /** The same DUMP, save its trailer (the server's own RDB version and the checksum over it). */
        private static boolean sameValue(byte[] expected, byte[] actual) {
            return expected.length == actual.length
                    && Arrays.equals(expected, 0, expected.length - 10, actual, 0, actual.length - 10);
        }

        /**
         * The same value in another encoding: the stored entry restored beside the key, with the same expiry (the
         * digest counts whether a key has one), and both digested.
         */
        private boolean sameDigest(IndexEntry entry, byte[] expected, RespClient redis) throws IOException {
            byte[][] restore = entry.expireAtMs() >= 0
                    ? new byte[][] { bytes("RESTORE"), spare, bytes(Long.toString(entry.expireAtMs())), expected,
                            bytes("REPLACE"), bytes("ABSTTL") }
                    : new byte[][] { bytes("RESTORE"), spare, bytes("0"), expected, bytes("REPLACE") };
            List<Object> replies = redis.pipeline(List.of(restore,
                    new byte[][] { bytes("DEBUG"), bytes("DIGEST-VALUE"), entry.key(), spare },
                    new byte[][] { bytes("DEL"), spare }));
            return replies.get(1) instanceof List<?> digests && digests.size() == 2 && digests.get(0) != null
                    && text(digests.get(0)).equals(text(digests.get(1)));
        }

        /** A digest as the server sent it: a status line, or a bulk string. */
        private static String text(Object reply) {
            return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(reply);
        }

        private void problem(String problem) {
            problemCount++;
            if (problems.size() < NAMED) {
                problems.add(problem);
            }
        }
    }

    /** The dataset's memory, against what the drill may use. */
    private void checkMemory(Manifest manifest) throws RecoveryFailure {
        long rdbBytes = manifest.rdbBytes();
        long needed = manifest.datasetMemoryBytes() != null ? manifest.datasetMemoryBytes() : 2 * rdbBytes;
        long available = config.memoryBytes().orElseGet(BackupDrill::memAvailable);
        if (available > 0 && needed > available) {
            throw new RecoveryFailure(NOT_ENOUGH_MEMORY, "The dataset needs about " + mib(needed) + " MiB and the "
                    + "drill may use " + mib(available) + " MiB here; nothing was started. Run the drill on a worker "
                    + "with more memory, or set restore-worker.drill.memory-bytes.");
        }
    }

    /** What the machine has available ({@code MemAvailable} of {@code /proc/meminfo}); 0 when it does not say. */
    private static long memAvailable() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(line -> line.startsWith("MemAvailable:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private String serverVersion() throws RecoveryFailure {
        try {
            Process version = new ProcessBuilder(config.redisServer(), "--version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            version.waitFor();
            int at = text.indexOf("v=");
            return at < 0 ? "unknown" : text.substring(at + 2).split("\\s")[0];
        } catch (IOException e) {
            throw new RecoveryFailure(FAILED, "Cannot run the drill's redis-server (" + config.redisServer() + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecoveryFailure(FAILED, "Interrupted", e);
        }
    }

    /** A redis-server of the drill's own, on a free local port with a random password, that loads the RDB. */
    private static final class ScratchServer implements AutoCloseable {
        private final Process process;
        private final int port;
        private final String password;
        private final Path log;

        private ScratchServer(Process process, int port, String password, Path log) {
            this.process = process;
            this.port = port;
            this.password = password;
            this.log = log;
        }

        static ScratchServer start(String executable, Path dir, Duration loadTimeout) throws RecoveryFailure {
            String password = HexFormat.of().formatHex(random(24));
            int port = freePort();
            Path log = dir.resolve("server.log");
            Process process;
            try {
                process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--dir", dir.toString(), "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
                        "--requirepass", password, "--enable-debug-command", "local", "--daemonize", "no",
                        "--protected-mode", "yes").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new RecoveryFailure(FAILED, "Cannot start the drill's redis-server: " + e.getMessage(), e);
            }
            ScratchServer server = new ScratchServer(process, port, password, log);
            try {
                server.awaitLoaded(loadTimeout);
                return server;
            } catch (RecoveryFailure | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        private void awaitLoaded(Duration timeout) throws RecoveryFailure {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new RecoveryFailure(FAILED, "The drill's redis-server did not load the backup: "
                            + lastLines());
                }
                try (RespClient redis = connect()) {
                    if ("PONG".equals(redis.call("PING"))) {
                        return;
                    }
                } catch (IOException | RecoveryFailure notYet) {
                    // not listening yet, or still loading
                }
                sleep();
            }
            throw new RecoveryFailure(FAILED, "The drill's redis-server did not load the backup in "
                    + timeout.toSeconds() + " s");
        }

        RespClient connect() throws IOException, RecoveryFailure {
            RespClient redis = RespClient.connect(port, Duration.ofSeconds(60));
            if (!"OK".equals(redis.call("AUTH", password))) {
                redis.close();
                throw new RecoveryFailure(FAILED, "The drill's redis-server refused its password");
            }
            return redis;
        }

        private String lastLines() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            } catch (IOException e) {
                return "(its log cannot be read)";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }

        private static int freePort() throws RecoveryFailure {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new RecoveryFailure(FAILED, "No free port for the drill's redis-server", e);
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("Could not remove the drill's directory %s (it holds the backup's plain RDB): %s", dir,
                    e.getMessage());
        }
    }

    private static byte[] random(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return random;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] command(String... arguments) {
        return Arrays.stream(arguments).map(BackupDrill::bytes).toArray(byte[][]::new);
    }

    private static long mib(long bytes) {
        return Math.ceilDiv(bytes, 1 << 20);
    }
}
