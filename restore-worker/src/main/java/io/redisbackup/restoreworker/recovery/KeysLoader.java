package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.RestoreParams;

/**
 * Rewrites chosen keys of an instance from a stored backup, finding them through the backup's key index and
 * reading only their entries of the RDB. First {@link #plan}: every key is looked up and every entry to be written
 * is read and checked against its CRC, so a damaged backup is refused before the target changes. Then
 * {@link #restore}: {@code RESTORE ... REPLACE} with the key's absolute expiry ({@code ABSTTL}), in every database
 * the backup holds it in, pipelined in bounded batches. No other key is touched; a key whose expiry has passed, or
 * that the backup does not hold, is left as it is on the target and reported. Knows nothing of Kafka or tasks.
 */
public final class KeysLoader {

    private static final int BATCH_KEYS = 100;
    private static final long BATCH_BYTES = 8L << 20;

    private final Clock clock;

    public KeysLoader(Clock clock) {
        this.clock = clock;
    }

    /** A key the backup holds, with its entries (one per database) still to be written. */
    public record Found(byte[] key, List<IndexEntry> entries) {
    }

    /** What the backup holds of the keys asked for. */
    public record Plan(List<Found> found, List<byte[]> notInBackup, List<byte[]> expired) {
    }

    /** What a restore wrote: the keys written (in at least one database), and those whose expiry passed meanwhile. */
    public record Restored(List<byte[]> restored, List<byte[]> expired) {
    }

    /** A restore that stopped part-way: what it had written by then. */
    public static final class Stopped extends RecoveryFailure {
        private final transient Restored done;

        Stopped(String message, Restored done, Throwable cause) {
            super(LOAD_FAILED, message, cause);
            this.done = done;
        }

        public Restored done() {
            return done;
        }
    }

    /** Looks every key up and checks the entries to be written; reads the backup only. */
    public Plan plan(KeyIndexReader index, SeekableByteChannel rdb, List<byte[]> keys) throws RecoveryFailure {
        long now = clock.millis();
        List<Found> found = new ArrayList<>();
        List<byte[]> notInBackup = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        try {
            for (byte[] key : keys) {
                List<IndexEntry> entries = index.find(key);
                List<IndexEntry> live = entries.stream().filter(entry -> !entry.expiredAt(now)).toList();
                if (entries.isEmpty()) {
                    notInBackup.add(key);
                } else if (live.isEmpty()) {
                    expired.add(key);
                } else {
                    for (IndexEntry entry : live) {
                        RdbEntries.read(rdb, entry);
                    }
                    found.add(new Found(key, live));
                }
            }
        } catch (DamagedBackupException e) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_CORRUPT, "The backup is damaged: " + e.getMessage()
                    + ". Nothing was changed on the instance.", e);
        } catch (IOException e) {
            throw new RecoveryFailure(RecoveryFailure.BACKUP_MISSING, "The backup cannot be read from storage: "
                    + e.getMessage() + ". Nothing was changed on the instance.", e);
        }
        return new Plan(found, notInBackup, expired);
    }

    /**
     * Writes the planned keys into {@code target}.
     *
     * @param keysDone told how many keys are written so far, after each batch
     */
    public Restored restore(Plan plan, SeekableByteChannel rdb, int rdbVersion, Jedis target, LongConsumer keysDone)
            throws Stopped {
        List<byte[]> restored = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        Pipeline pipeline = target.pipelined();
        List<Queued> batch = new ArrayList<>();
        long batchBytes = 0;
        int selectedDb = 0;
        pipeline.select(0);
        try {
            for (Found key : plan.found()) {
                long now = clock.millis();
                boolean written = false;
                for (IndexEntry entry : key.entries()) {
                    if (entry.expiredAt(now)) {
                        continue;
                    }
                    byte[] payload = RdbEntries.dumpPayload(RdbEntries.read(rdb, entry), rdbVersion);
                    if (entry.db() != selectedDb) {
                        pipeline.select(entry.db());
                        selectedDb = entry.db();
                    }
                    RestoreParams params = RestoreParams.restoreParams().replace();
                    if (entry.expireAtMs() >= 0) {
                        params.absTtl();
                    }
                    batch.add(new Queued(key.key(),
                            pipeline.restore(key.key(), Math.max(0, entry.expireAtMs()), payload, params)));
                    batchBytes += payload.length;
                    written = true;
                }
                (written ? restored : expired).add(key.key());
                if (batch.size() >= BATCH_KEYS || batchBytes >= BATCH_BYTES) {
                    sync(pipeline, batch, restored, expired);
                    batchBytes = 0;
                    keysDone.accept(restored.size());
                }
            }
            sync(pipeline, batch, restored, expired);
        } catch (IOException | JedisException e) {
            throw stopped(e.getMessage(), batch, restored, expired, e);
        }
        keysDone.accept(restored.size());
        return new Restored(restored, expired);
    }

    private record Queued(byte[] key, Response<String> reply) {
    }

    private static void sync(Pipeline pipeline, List<Queued> batch, List<byte[]> restored, List<byte[]> expired)
            throws Stopped {
        pipeline.sync();
        List<Queued> refused = new ArrayList<>();
        JedisException firstRefusal = null;
        for (Queued queued : batch) {
            try {
                queued.reply().get();
            } catch (JedisException e) {
                refused.add(queued);
                firstRefusal = firstRefusal == null ? e : firstRefusal;
            }
        }
        batch.clear();
        if (firstRefusal != null) {
            throw stopped("the instance refused a key: " + firstRefusal.getMessage(), refused, restored, expired,
                    firstRefusal);
        }
    }

    /** The keys of {@code unconfirmed} are not counted as written: nothing says they were. */
    private static Stopped stopped(String why, List<Queued> unconfirmed, List<byte[]> restored, List<byte[]> expired,
            Throwable cause) {
        List<byte[]> done = new ArrayList<>(restored);
        done.removeIf(key -> unconfirmed.stream().anyMatch(queued -> queued.key() == key));
        return new Stopped("The recovery stopped after " + done.size() + " keys: " + why,
                new Restored(done, expired), cause);
    }
}
