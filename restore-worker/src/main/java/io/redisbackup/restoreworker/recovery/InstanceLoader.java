package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.rdb.datatype.Function;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpFunction;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;

import io.redisbackup.backupstore.RdbExpiry;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.backupstore.keyindex.RdbIndexing;
import redis.clients.jedis.Jedis;

/**
 * Loads a whole stored RDB into an instance: every database emptied, then every key written back with
 * {@code RESTORE ... REPLACE} (with its absolute expiry, {@code ABSTTL}), and the function libraries with
 * {@code FUNCTION RESTORE ... REPLACE}. Values are never decoded: each key's payload is its entry's bytes as stored
 * (see {@link RdbEntries}). The commands stream to the instance while another thread reads its replies
 * ({@link RespPipe}), as {@code redis-cli --pipe} does. A key whose expiry has passed is counted, not loaded.
 * Memory holds the largest key and a bounded number of unanswered commands. Knows nothing of Kafka or tasks.
 */
public final class InstanceLoader {

    private static final long PROGRESS_EVERY = 10_000;
    private static final byte[] RESTORE = RespPipe.bytes("RESTORE");
    private static final byte[] REPLACE = RespPipe.bytes("REPLACE");
    private static final byte[] ABSTTL = RespPipe.bytes("ABSTTL");
    private static final byte[] ZERO = RespPipe.bytes("0");

    private final Clock clock;

    public InstanceLoader(Clock clock) {
        this.clock = clock;
    }

    /** What a load did. */
    public record Loaded(long restored, long expired, long functions) {
    }

    /**
     * @param flush the instance's connection, to empty it first
     * @param keysLoaded told how many keys are sent so far, every 10,000 keys
     */
    public Loaded replaceAll(InputStream rdb, Jedis flush, RecoveryTarget target, Duration timeout,
            LongConsumer keysLoaded) throws RecoveryFailure {
        flush.flushAll();
        Replicator replicator = new RedisRdbReplicator(rdb, Configuration.defaultSetting()
                .setUseDefaultExceptionListener(false));
        RdbIndexing records = RdbIndexing.attachCapturing(replicator);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[3]; // restored, expired, functions
        int[] selectedDb = { 0 };
        long now = clock.millis();

        try (RespPipe pipe = RespPipe.open(target, timeout)) {
            replicator.addEventListener((r, event) -> {
                if (failure.get() != null) {
                    return;
                }
                try {
                    if (event instanceof DumpKeyValuePair entry) {
                        long expireAt = RdbExpiry.expireAtMs(entry);
                        if (expireAt >= 0 && expireAt <= now) {
                            counts[1]++;
                            return;
                        }
                        int db = (int) entry.getDb().getDbNumber();
                        if (db != selectedDb[0]) {
                            pipe.other(RespPipe.bytes("SELECT"), RespPipe.bytes(Integer.toString(db)));
                            selectedDb[0] = db;
                        }
                        byte[] payload = RdbEntries.dumpPayload(records.record(), records.recordLength(),
                                records.rdbVersion());
                        if (expireAt >= 0) {
                            pipe.key(RESTORE, entry.getKey(), RespPipe.bytes(Long.toString(expireAt)), payload, REPLACE,
                                    ABSTTL);
                        } else {
                            pipe.key(RESTORE, entry.getKey(), ZERO, payload, REPLACE);
                        }
                        if (++counts[0] % PROGRESS_EVERY == 0) {
                            keysLoaded.accept(counts[0]);
                        }
                    } else if (event instanceof Function || event instanceof DumpFunction) {
                        pipe.other(RespPipe.bytes("FUNCTION"), RespPipe.bytes("RESTORE"), RdbEntries.functionPayload(
                                records.record(), records.recordLength(), records.rdbVersion()), REPLACE);
                        counts[2]++;
                    }
                } catch (RecoveryFailure | IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                    close(r);
                }
            });
            replicator.addExceptionListener((r, error, event) -> {
                failure.compareAndSet(null, error);
                close(r);
            });
            try {
                replicator.open();
                if (failure.get() == null) {
                    pipe.finish();
                }
            } catch (IOException | RuntimeException | RecoveryFailure e) {
                failure.compareAndSet(null, e);
            } finally {
                close(replicator);
            }
            Throwable error = failure.get();
            if (error != null) {
                long confirmed = pipe.keysConfirmed();
                throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "Loading stopped after " + confirmed
                        + " keys were confirmed: " + error.getMessage(), error);
            }
        }
        keysLoaded.accept(counts[0]);
        return new Loaded(counts[0], counts[1], counts[2]);
    }

    private static void close(Replicator replicator) {
        try {
            replicator.close();
        } catch (IOException ignored) {
            // closing after the end of the file or after a failure: nothing more to learn
        }
    }
}
