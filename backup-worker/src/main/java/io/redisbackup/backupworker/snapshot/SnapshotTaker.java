package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.LongConsumer;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.RdbChecksum;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.backupstore.keyindex.KeyIndexWriter;
import io.redisbackup.backupstore.keyindex.RdbScanner;
import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceNetworks;
import io.redisbackup.taskexecution.TransferGuard;

/**
 * Takes a consistent point-in-time snapshot the way a replica does (a full synchronisation, {@link ReplicaSync}),
 * keeps the RDB bytes exactly as received and builds the key index in the same pass (sorted with bounded memory,
 * see {@link KeyIndexWriter}). Memory stays flat: bytes go straight to the output, values are stepped over without
 * being decoded ({@link RdbScanner}). Knows nothing of Kafka or tasks.
 */
public class SnapshotTaker {

    private static final Logger LOG = Logger.getLogger(SnapshotTaker.class);

    /**
     * How much index data a backup holds in memory before a sorted run of it goes to disk; a cluster's shards share
     * it, each at least {@link #LEAST_INDEX_RUN_BYTES}: a task's memory is one budget whatever its shards.
     */
    private static final long INDEX_RUN_BYTES = 16L << 20;
    private static final long LEAST_INDEX_RUN_BYTES = 1L << 20;
    /** The socket is read in pieces this large. */
    private static final int READ_BUFFER = 1 << 17;

    private final Duration timeout;
    private final TransferGuard.Limits limits;
    private final SourceChecks checks;
    private final InstanceNetworks networks;

    /**
     * How the source is weighed before its snapshot ({@link SourceCheck}).
     *
     * @param forkReserve the share of its used memory a snapshot's fork may copy; 0 checks no memory
     * @param transferRate the bytes a second a snapshot is expected to arrive at, for how long a server without
     *        {@code rdb-only} buffers writes for it
     */
    public record SourceChecks(double forkReserve, long transferRate) {
        public static final SourceChecks DEFAULT = new SourceChecks(0.25, 64L << 20);
    }

    /**
     * @param timeout how long to wait to connect, and for each read
     * @param limits the whole snapshot's deadline and minimum rate (see {@link TransferGuard})
     * @param networks where sources may be: a source elsewhere is refused before anything is sent to it
     */
    public SnapshotTaker(Duration timeout, TransferGuard.Limits limits, SourceChecks checks,
            InstanceNetworks networks) {
        this.timeout = timeout;
        this.limits = limits;
        this.checks = checks;
        this.networks = networks;
    }

    public SnapshotTaker(Duration timeout, TransferGuard.Limits limits) {
        this(timeout, limits, SourceChecks.DEFAULT, InstanceNetworks.ALL);
    }

    /** {@link #take(InstanceEndpoint, SourceCare, OutputStream, OutputStream, LongConsumer, long)} without care. */
    public Snapshot take(InstanceEndpoint source, OutputStream rdbOut, OutputStream indexOut, LongConsumer progress,
            long expectedBytes) throws SnapshotFailure {
        return take(source, SourceCare.NONE, rdbOut, indexOut, progress, expectedBytes);
    }

    /**
     * @param care how gently: the memory limit of the instance's machine, a rate limit. Before anything is forked,
     *        the source is checked ({@link SourceCheck}); a hazard fails the snapshot with its reason.
     * @param rdbOut closed as soon as the whole RDB has arrived, on a thread of its own while the key index is
     *        finished: a store that writes a file through to the disk when it is closed does so in that time
     * @param indexOut closed once the key index is written, while the RDB may still be closing
     * @param progress told the bytes received so far, after each piece (every 128 KiB or so)
     * @param expectedBytes about how long the snapshot is (the last backup's size; 0 if unknown), for its deadline:
     *        the server's used memory is taken when it is larger
     */
    public Snapshot take(InstanceEndpoint source, SourceCare care, OutputStream rdbOut, OutputStream indexOut,
            LongConsumer progress, long expectedBytes) throws SnapshotFailure {
        return take(source, 0, care, rdbOut, indexOut, progress, expectedBytes);
    }

    /**
     * {@link #take(InstanceEndpoint, SourceCare, OutputStream, OutputStream, LongConsumer, long)} of one node of a
     * Redis Cluster: the snapshot of its shard's slots ({@link ClusterSnapshots}).
     *
     * @param shards how many shards are taken at once, sharing the index memory of one backup
     */
    public Snapshot takeShard(InstanceEndpoint node, int shards, SourceCare care, OutputStream rdbOut,
            OutputStream indexOut, LongConsumer progress, long expectedBytes) throws SnapshotFailure {
        return take(node, Math.max(1, shards), care, rdbOut, indexOut, progress, expectedBytes);
    }

    /** The timeout of each step with a server: connecting, and each read. */
    public Duration timeout() {
        return timeout;
    }

    /** Where sources may be: a cluster's nodes too. */
    public InstanceNetworks networks() {
        return networks;
    }

    /** @param shards 0 for a standalone server; for a cluster's node, how many shards are taken at once */
    private Snapshot take(InstanceEndpoint source, int shards, SourceCare care, OutputStream rdbOut,
            OutputStream indexOut, LongConsumer progress, long expectedBytes) throws SnapshotFailure {
        boolean clusterNode = shards > 0;
        try {
            // checked at registration too; the networks may have narrowed since, or the name point elsewhere now
            networks.check(source.host());
        } catch (InstanceFailure e) {
            throw failure(e);
        }
        long started = System.nanoTime();
        // one connection: the server's INFO is read on it, then the snapshot asked for on it if the server can spare it
        ReplicaSync sync = connect(source);
        try (sync) {
            ServerInfo server = serverInfo(sync, source, care, clusterNode);
            long runBytes = Math.max(LEAST_INDEX_RUN_BYTES, INDEX_RUN_BYTES / Math.max(1, shards));
            try (KeyIndexWriter index = new KeyIndexWriter(runBytes)) {
                return take(sync, started, source, care, rdbOut, index, indexOut, server.version(),
                        Math.max(expectedBytes, server.usedMemory()), progress)
                        .withDatasetMemory(server.datasetMemory());
            }
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the key index: " + e.getMessage(), e);
        }
    }

    /** The snapshot on {@code sync}, closed once the RDB has arrived. */
    private Snapshot take(ReplicaSync sync, long started, InstanceEndpoint source, SourceCare care,
            OutputStream rdbOut, KeyIndexWriter index, OutputStream indexOut, String redisVersion, long expectedBytes,
            LongConsumer progress) throws SnapshotFailure {
        RdbScanner scanner;
        RdbTee tee;
        String stopped = null;
        Long rateLimit = care.maxBytesPerSecond();
        try (sync; TransferGuard guard = TransferGuard.start("The snapshot from " + source, limits(rateLimit),
                expectedBytes, sync::close)) {
            if (!prepare(sync)) {
                checkReplicaBuffer(source, expectedBytes, rateLimit);
            }
            tee = new RdbTee(rdbOut, guard.metering(progress));
            try {
                InputStream rdb = sync.sync();
                scanner = scan(rateLimit == null ? rdb : new RateLimitedInput(rdb, rateLimit), tee, index);
                sync.checkEnd(scanner.remaining(), scanner.position());
            } finally {
                stopped = guard.stopped();
            }
        } catch (UncheckedIOException e) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the backup: " + e.getCause().getMessage(), e);
        } catch (ReplicaSync.Refused e) {
            throw new SnapshotFailure(e.authentication() ? SnapshotFailure.AUTH_FAILED : SnapshotFailure.TRANSFER_FAILED,
                    source + " refused the snapshot: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (stopped != null) {
                throw new SnapshotFailure(SnapshotFailure.TOO_SLOW, stopped + ".", e);
            }
            throw new SnapshotFailure(SnapshotFailure.TRANSFER_FAILED, "The snapshot from " + source
                    + " did not arrive whole: " + e.getMessage(), e);
        }
        return finish(started, System.nanoTime(), source.toString(), tee, index, scanner, indexOut, redisVersion);
    }

    /** Reads the whole RDB from {@code rdb}: every byte to the tee, every key to the index. */
    private static RdbScanner scan(InputStream rdb, RdbTee tee, KeyIndexWriter index) throws IOException {
        RdbScanner scanner = new RdbScanner(rdb, READ_BUFFER, false, tee);
        while (scanner.next()) {
            if (scanner.kind() == RdbScanner.Kind.KEY) {
                index.add(scanner.entry());
            }
        }
        return scanner;
    }

    /**
     * A snapshot of an RDB at hand, taken apart as one from a server is (scanned, checksummed, indexed into
     * {@code indexOut} with sorted runs of at most {@code indexRunBytes} on disk, both outputs closed): what the
     * worker's warm-up runs at its start, so that its first large backups do not sort and merge their key index,
     * nor seal it, in the interpreter.
     */
    public static Snapshot takeFrom(InputStream rdb, OutputStream rdbOut, OutputStream indexOut, long indexRunBytes)
            throws SnapshotFailure, IOException {
        long started = System.nanoTime();
        try (KeyIndexWriter index = new KeyIndexWriter(indexRunBytes)) {
            RdbTee tee = new RdbTee(rdbOut, bytes -> { });
            RdbScanner scanner = scan(rdb, tee, index);
            return finish(started, System.nanoTime(), "the warm-up's RDB", tee, index, scanner, indexOut,
                    "warm-up");
        }
    }

    /** The RDB is whole: closes its output and finishes the index beside it, and checks what came. */
    private static Snapshot finish(long started, long transferred, String source, RdbTee tee, KeyIndexWriter index,
            RdbScanner scanner, OutputStream indexOut, String redisVersion) throws SnapshotFailure {
        // the RDB goes to the disk while the index is finished, on the core the server no longer needs
        FutureTask<Long> rdbClosed = new FutureTask<>(() -> {
            tee.close();
            return System.nanoTime();
        });
        Thread.ofPlatform().name("rdb-close").start(rdbClosed);
        long merged;
        long indexed;
        try {
            index.finish(scanner.rdbVersion(), indexOut);
            merged = System.nanoTime();
            indexOut.close(); // to the disk too, beside the RDB
            indexed = System.nanoTime();
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the key index: " + e.getMessage(), e);
        } finally {
            awaitQuietly(rdbClosed);
        }
        long closed = closedAt(rdbClosed);
        LOG.infof("Snapshot of %s: %d bytes, %d keys (%d sorted runs on disk); the transfer took %d ms, then the "
                + "rest of the index %d ms (%d ms to close it), and beside it the RDB's close %d ms", source,
                tee.bytes(), index.keys(), index.runs(), (transferred - started) / 1_000_000,
                (indexed - transferred) / 1_000_000, (indexed - merged) / 1_000_000,
                (closed - transferred) / 1_000_000);
        return verified(tee, index, scanner.rdbVersion(), redisVersion, source);
    }

    private static void awaitQuietly(FutureTask<Long> task) {
        boolean interrupted = false;
        while (!task.isDone()) {
            try {
                task.get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // closedAt reports it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** When the RDB's output was closed; after {@link #awaitQuietly}. */
    private static long closedAt(FutureTask<Long> closed) throws SnapshotFailure {
        try {
            return closed.resultNow();
        } catch (IllegalStateException e) {
            Throwable cause = closed.exceptionNow();
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the backup: " + cause.getMessage(), cause);
        }
    }

    private static Snapshot verified(RdbTee tee, KeyIndexWriter index, int rdbVersion, String redisVersion,
            String source) throws SnapshotFailure {
        RdbChecksum checksum = tee.checksum();
        if (!checksum.matchesTrailer()) {
            throw new SnapshotFailure(SnapshotFailure.CORRUPT, "The snapshot from " + source
                    + " does not match its own checksum: it was damaged on the way.");
        }
        return new Snapshot(redisVersion, rdbVersion, checksum.bytes(), checksum.sha256(), checksum.crc32c(),
                String.format("%016x", checksum.trailerCrc()), index.bytes(), index.sha256(), index.crc32c(),
                index.keys(), index.keysPerDatabase(), null);
    }

    /**
     * The guard's limits, with a rate limit: the snapshot may take as long as that rate needs, and may arrive as
     * slowly as half of it before it is too slow.
     */
    private TransferGuard.Limits limits(Long rateLimit) {
        if (rateLimit == null) {
            return limits;
        }
        return new TransferGuard.Limits(limits.deadlineBase(), Math.min(limits.minBytesPerSecond(), rateLimit / 2),
                limits.slowFor());
    }

    /** {@link ReplicaSync#prepare}, its failures in a snapshot's words. */
    private static boolean prepare(ReplicaSync sync) throws SnapshotFailure, IOException {
        try {
            return sync.prepare();
        } catch (ReplicaSync.Refused e) {
            throw new SnapshotFailure(SnapshotFailure.TRANSFER_FAILED, e.getMessage(), e);
        }
    }

    /**
     * For a server that keeps a replica buffer for us: fails when the writes expected during the transfer would pass
     * its limit. A limit it will not say (CONFIG refused) is taken as Redis's default.
     */
    private void checkReplicaBuffer(InstanceEndpoint source, long expectedBytes, Long rateLimit)
            throws SnapshotFailure {
        SourceCheck.BufferLimit limit;
        double writesPerSecond;
        try (InstanceClient client = InstanceClient.connect(source, timeout)) {
            writesPerSecond = SourceCheck.number(client.info("stats").get("instantaneous_input_kbps")) * 1024.0;
            limit = bufferLimit(client, source);
        } catch (InstanceFailure e) {
            throw failure(e);
        }
        long rate = rateLimit == null ? checks.transferRate() : Math.min(rateLimit, checks.transferRate());
        double seconds = rate <= 0 ? 0 : expectedBytes / (double) rate;
        Optional<SnapshotFailure> hazard = SourceCheck.replicaBuffer(limit, writesPerSecond, seconds);
        if (hazard.isPresent()) {
            throw hazard.get();
        }
    }

    /** Redis's default replica buffer limit: 256 MiB, or 64 MiB for 60 s. */
    private static final SourceCheck.BufferLimit DEFAULT_BUFFER_LIMIT = new SourceCheck.BufferLimit(256L << 20,
            64L << 20, 60);

    private static SourceCheck.BufferLimit bufferLimit(InstanceClient client, InstanceEndpoint source) {
        try {
            // RESP2: the setting's name, then its value
            String value = client.send("CONFIG", "GET", "client-output-buffer-limit") instanceof List<?> reply
                    && reply.size() >= 2 ? String.valueOf(reply.get(1)) : null;
            return SourceCheck.BufferLimit.parse(value).orElse(DEFAULT_BUFFER_LIMIT);
        } catch (InstanceFailure | RuntimeException e) {
            LOG.infof("%s does not say its replica buffer limit (%s); Redis's default is assumed", source,
                    e.getMessage());
            return DEFAULT_BUFFER_LIMIT;
        }
    }

    private ReplicaSync connect(InstanceEndpoint source) throws SnapshotFailure {
        try {
            return ReplicaSync.connect(source, timeout);
        } catch (InstanceFailure e) {
            throw failure(e);
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.UNREACHABLE, "Cannot connect to " + source + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * What the server says of itself before the snapshot: its version, its used memory (for the deadline), and the
     * memory its dataset takes (for a recovery's dry run; null when it does not say).
     */
    private record ServerInfo(String version, long usedMemory, Long datasetMemory) {
    }

    /**
     * Reads the server's INFO on the connection the snapshot will take; fails when the snapshot's fork would not fit
     * in its machine's memory, or the server is not (or no longer) what the instance says it is.
     */
    private ServerInfo serverInfo(ReplicaSync sync, InstanceEndpoint source, SourceCare care, boolean clusterNode)
            throws SnapshotFailure {
        Map<String, String> info;
        try {
            info = sync.info();
        } catch (ReplicaSync.Refused e) {
            String code = e.authentication() ? SnapshotFailure.AUTH_FAILED : SnapshotFailure.TRANSFER_FAILED;
            throw new SnapshotFailure(code, source + " refused INFO: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.UNREACHABLE, "Cannot read INFO from " + source + ": "
                    + e.getMessage(), e);
        }
        Optional<SnapshotFailure> hazard = SourceCheck.forkMemory(info, care.memoryLimitBytes(), checks.forkReserve());
        if (hazard.isPresent()) {
            throw hazard.get();
        }
        boolean enabled = "1".equals(info.get("cluster_enabled"));
        if (clusterNode && !enabled) {
            throw new SnapshotFailure(SnapshotFailure.TOPOLOGY_CHANGED, source + " is no longer a node of the "
                    + "cluster (cluster_enabled:0). Nothing was taken.");
        }
        if (!clusterNode && enabled) {
            throw new SnapshotFailure(SnapshotFailure.CLUSTER_NODE, source + " is now a node of a Redis Cluster "
                    + "(cluster_enabled:1): a snapshot of it alone would hold only the keys of its own slots, and "
                    + "would look like a backup of the whole instance. Nothing was taken.");
        }
        Long dataset = number(info.get("used_memory_dataset"));
        return new ServerInfo(Objects.requireNonNullElse(info.get("redis_version"), "unknown"),
                Objects.requireNonNullElse(number(info.get("used_memory")), 0L), dataset);
    }

    /** An instance that cannot be used, in a backup's words. */
    static SnapshotFailure failure(InstanceFailure e) {
        return new SnapshotFailure(switch (e.kind()) {
            case UNREACHABLE -> SnapshotFailure.UNREACHABLE;
            case AUTH_FAILED -> SnapshotFailure.AUTH_FAILED;
            case NOT_REDIS -> SnapshotFailure.TRANSFER_FAILED;
            case NETWORK_NOT_ALLOWED -> SnapshotFailure.NETWORK_NOT_ALLOWED;
        }, e.getMessage(), e);
    }

    /** A number the server gave; null when it gave none, or something odd (then the deadline is the base one). */
    private static Long number(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
