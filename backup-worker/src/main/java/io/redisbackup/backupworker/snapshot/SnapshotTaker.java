package io.redisbackup.backupworker.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.jboss.logging.Logger;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisSocketReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.PostRdbSyncEvent;
import com.moilioncircle.redis.replicator.event.PreRdbSyncEvent;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;

import io.redisbackup.backupstore.RdbChecksum;
import io.redisbackup.backupstore.keyindex.KeyIndexWriter;
import io.redisbackup.backupstore.keyindex.RdbIndexing;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Takes a consistent point-in-time snapshot the way a replica does ({@code PSYNC}, full resynchronisation),
 * keeps the RDB bytes exactly as received and builds the key index in the same pass (sorted with bounded memory,
 * see {@link KeyIndexWriter}). Memory stays flat: bytes go straight to the output, values are skipped without
 * being decoded. Knows nothing of Kafka or tasks.
 */
public class SnapshotTaker {

    private static final Logger LOG = Logger.getLogger(SnapshotTaker.class);

    /** How much index data is held in memory before a sorted run of it goes to disk. */
    private static final long INDEX_RUN_BYTES = 16L << 20;

    private final Duration timeout;

    public SnapshotTaker(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * @param progress told the bytes received so far, at most every {@code progressEvery}
     */
    public Snapshot take(SnapshotSource source, OutputStream rdbOut, OutputStream indexOut, Duration progressEvery,
            LongConsumer progress) throws SnapshotFailure {
        String redisVersion = redisVersion(source);

        Replicator replicator = new RedisSocketReplicator(source.host(), source.port(), configuration(source));
        RdbIndexing visitor = RdbIndexing.attach(replicator);
        long[] lastReport = { System.nanoTime() };
        RdbTee tee = new RdbTee(rdbOut, bytes -> {
            if (System.nanoTime() - lastReport[0] >= progressEvery.toNanos()) {
                lastReport[0] = System.nanoTime();
                progress.accept(bytes);
            }
        });
        try (KeyIndexWriter index = new KeyIndexWriter(INDEX_RUN_BYTES)) {
            return take(source, replicator, visitor, tee, index, indexOut, redisVersion);
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the key index: " + e.getMessage(), e);
        }
    }

    private Snapshot take(SnapshotSource source, Replicator replicator, RdbIndexing visitor, RdbTee tee,
            KeyIndexWriter index, OutputStream indexOut, String redisVersion) throws SnapshotFailure {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean[] complete = { false };

        replicator.addEventListener((r, event) -> {
            try {
                if (event instanceof PreRdbSyncEvent) {
                    r.addRawByteListener(tee);
                } else if (event instanceof DumpKeyValuePair entry) {
                    // the end offset must be read here, on the parsing thread, before the next record is read
                    index.add(visitor.entry(entry));
                } else if (event instanceof PostRdbSyncEvent) {
                    complete[0] = true;
                    close(r);
                }
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
                close(r);
            }
        });
        replicator.addExceptionListener((r, error, event) -> {
            failure.compareAndSet(null, error);
            close(r);
        });

        long started = System.nanoTime();
        try {
            replicator.open();
        } catch (AssertionError e) {
            // how the library reports a refused AUTH
            throw new SnapshotFailure(SnapshotFailure.AUTH_FAILED, source + " refused the user name or password.");
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            close(replicator);
        }
        Throwable error = failure.get();
        if (error instanceof UncheckedIOException io) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the backup: " + io.getCause().getMessage(), io);
        }
        if (error != null || !complete[0]) {
            throw new SnapshotFailure(SnapshotFailure.TRANSFER_FAILED, "The snapshot from " + source
                    + " did not arrive whole" + (error == null ? "" : ": " + error.getMessage()), error);
        }
        try {
            long transferred = System.nanoTime();
            index.finish(visitor.rdbVersion(), indexOut);
            LOG.infof("Snapshot of %s: %d bytes, %d keys; the transfer took %d ms, the rest of the index %d ms",
                    source, tee.bytes(), index.keys(), (transferred - started) / 1_000_000,
                    (System.nanoTime() - transferred) / 1_000_000);
        } catch (IOException e) {
            throw new SnapshotFailure(SnapshotFailure.STORAGE, "Cannot write the key index: " + e.getMessage(), e);
        }
        return verified(tee, index, visitor.rdbVersion(), redisVersion, source);
    }

    private static Snapshot verified(RdbTee tee, KeyIndexWriter index, int rdbVersion, String redisVersion,
            SnapshotSource source) throws SnapshotFailure {
        RdbChecksum checksum = tee.checksum();
        if (!checksum.matchesTrailer()) {
            throw new SnapshotFailure(SnapshotFailure.CORRUPT, "The snapshot from " + source
                    + " does not match its own checksum: it was damaged on the way.");
        }
        return new Snapshot(redisVersion, rdbVersion, checksum.bytes(), checksum.sha256(),
                String.format("%016x", checksum.trailerCrc()), index.bytes(), index.sha256(), index.keys(),
                index.keysPerDatabase());
    }

    private Configuration configuration(SnapshotSource source) {
        Configuration configuration = Configuration.defaultSetting()
                .setRetries(0)
                .setConnectionTimeout((int) timeout.toMillis())
                .setReadTimeout((int) timeout.toMillis())
                .setSsl(source.tls())
                .setUseDefaultExceptionListener(false);
        if (source.username() != null) {
            configuration.setAuthUser(source.username());
        }
        if (source.password() != null) {
            configuration.setAuthPassword(source.password());
        }
        return configuration;
    }

    /** Logs in once and reads the version, so that an unreachable instance or a refused login says so plainly. */
    private String redisVersion(SnapshotSource source) throws SnapshotFailure {
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .user(source.username()).password(source.password()).ssl(source.tls())
                .connectionTimeoutMillis((int) timeout.toMillis()).socketTimeoutMillis((int) timeout.toMillis())
                .build();
        try (Jedis jedis = new Jedis(new HostAndPort(source.host(), source.port()), config)) {
            return jedis.info("server").lines().filter(line -> line.startsWith("redis_version:"))
                    .map(line -> line.substring("redis_version:".length()).trim()).findFirst().orElse("unknown");
        } catch (JedisDataException e) {
            throw new SnapshotFailure(SnapshotFailure.AUTH_FAILED, source + " refused the user name or password.", e);
        } catch (JedisConnectionException e) {
            throw new SnapshotFailure(SnapshotFailure.UNREACHABLE, "Cannot connect to " + source
                    + (isNetwork(e) ? "." : ": " + e.getMessage()), e);
        }
    }

    private static boolean isNetwork(Throwable e) {
        if (e instanceof ConnectException || e instanceof SocketTimeoutException || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException) {
            return true;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            if (isNetwork(suppressed)) {
                return true;
            }
        }
        return e.getCause() != null && e.getCause() != e && isNetwork(e.getCause());
    }

    private static void close(Replicator replicator) {
        try {
            replicator.close();
        } catch (IOException ignored) {
            // closing after the end or after a failure: nothing more to learn
        }
    }
}
