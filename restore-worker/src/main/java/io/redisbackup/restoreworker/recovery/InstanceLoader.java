package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.rdb.dump.DumpRdbVisitor;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpFunction;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;

import io.redisbackup.backupstore.RdbExpiry;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.FunctionRestorePolicy;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.RestoreParams;

/**
 * Loads a whole stored RDB into an instance: every database emptied, then every key written back with
 * {@code RESTORE ... REPLACE} (with its absolute expiry, {@code ABSTTL}), pipelined in bounded batches, and the
 * function libraries with {@code FUNCTION RESTORE ... REPLACE}. A key whose expiry has passed is counted, not
 * loaded. Streams from storage: memory holds one batch at most. Knows nothing of Kafka or tasks.
 */
public final class InstanceLoader {

    private static final int BATCH_KEYS = 1000;
    private static final long BATCH_BYTES = 8L << 20;
    private static final long PROGRESS_EVERY = 10_000;

    private final Clock clock;

    public InstanceLoader(Clock clock) {
        this.clock = clock;
    }

    /** What a load did. */
    public record Loaded(long restored, long expired, long functions) {
    }

    /**
     * @param keysLoaded told how many keys are loaded so far, every 10,000 keys
     */
    public Loaded replaceAll(InputStream rdb, Jedis target, LongConsumer keysLoaded) throws RecoveryFailure {
        target.flushAll();
        Batch batch = new Batch(target.pipelined());
        Replicator replicator = new RedisRdbReplicator(rdb, Configuration.defaultSetting()
                .setUseDefaultExceptionListener(false));
        replicator.setRdbVisitor(new DumpRdbVisitor(replicator));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[3]; // restored, expired, functions
        long now = clock.millis();

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
                    batch.restore((int) entry.getDb().getDbNumber(), entry.getKey(), entry.getValue(), expireAt);
                    if (++counts[0] % PROGRESS_EVERY == 0) {
                        keysLoaded.accept(counts[0]);
                    }
                } else if (event instanceof DumpFunction function) {
                    batch.restoreFunction(function.getSerialized());
                    counts[2]++;
                }
            } catch (RecoveryFailure | RuntimeException e) {
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
                batch.flush();
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } catch (RecoveryFailure e) {
            failure.compareAndSet(null, e);
        } finally {
            close(replicator);
        }
        Throwable error = failure.get();
        if (error instanceof RecoveryFailure recoveryFailure) {
            throw recoveryFailure;
        }
        if (error != null) {
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "Loading stopped after " + counts[0]
                    + " keys: " + error.getMessage(), error);
        }
        keysLoaded.accept(counts[0]);
        return new Loaded(counts[0], counts[1], counts[2]);
    }

    /** Commands queued on the pipeline, sent and checked when the batch is full. */
    private static final class Batch {
        private final Pipeline pipeline;
        private int selectedDb;
        private int queued;
        private long queuedBytes;

        Batch(Pipeline pipeline) {
            this.pipeline = pipeline;
        }

        void restore(int db, byte[] key, byte[] payload, long expireAtMs) throws RecoveryFailure {
            if (db != selectedDb) {
                pipeline.select(db);
                selectedDb = db;
            }
            RestoreParams params = RestoreParams.restoreParams().replace();
            if (expireAtMs >= 0) {
                params.absTtl();
            }
            pipeline.restore(key, Math.max(0, expireAtMs), payload, params);
            queue(key.length + payload.length);
        }

        void restoreFunction(byte[] payload) throws RecoveryFailure {
            pipeline.functionRestore(payload, FunctionRestorePolicy.REPLACE);
            queue(payload.length);
        }

        private void queue(long bytes) throws RecoveryFailure {
            queued++;
            queuedBytes += bytes;
            if (queued >= BATCH_KEYS || queuedBytes >= BATCH_BYTES) {
                flush();
            }
        }

        void flush() throws RecoveryFailure {
            List<Object> replies;
            try {
                replies = pipeline.syncAndReturnAll();
            } catch (JedisException e) {
                throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "The instance stopped answering: " + e.getMessage(), e);
            }
            for (Object reply : replies) {
                if (reply instanceof Exception e) {
                    throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "The instance refused a key: " + e.getMessage(), e);
                }
            }
            queued = 0;
            queuedBytes = 0;
        }
    }

    private static void close(Replicator replicator) {
        try {
            replicator.close();
        } catch (IOException ignored) {
            // closing after the end of the file or after a failure: nothing more to learn
        }
    }
}
