package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongConsumer;

import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.backupstore.keyindex.RdbScanner;
import io.redisbackup.taskexecution.TransferGuard;
import io.redisbackup.instanceclient.InstanceEndpoint;

/**
 * Loads a whole stored RDB into an instance: every database emptied ({@code FLUSHALL}, the stream's first
 * command), then every key written back with {@code RESTORE ... REPLACE} (with its absolute expiry, {@code ABSTTL}),
 * and the function libraries with {@code FUNCTION RESTORE ... REPLACE}. Values are never decoded: each key's payload
 * is its entry's bytes as stored (see {@link RdbEntries}). The commands stream to the instance while another thread reads its replies
 * ({@link RespPipe}), as {@code redis-cli --pipe} does. A key whose expiry has passed is counted, not loaded.
 * Memory holds the largest key and a bounded number of unanswered commands. Knows nothing of Kafka or tasks.
 */
public final class InstanceLoader {

    private static final long PROGRESS_EVERY = 10_000;
    /** The file is read in pieces this large. */
    private static final int READ_BUFFER = 1 << 16;

    private final Clock clock;
    private final TransferGuard.Limits limits;

    /** @param limits the whole load's deadline and minimum rate (see {@link TransferGuard}) */
    public InstanceLoader(Clock clock, TransferGuard.Limits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    /** What a load did. */
    public record Loaded(long restored, long expired, long functions) {
    }

    /**
     * @param rdbBytes the RDB's size: the load's deadline is the base plus this at the minimum rate
     * @param keysLoaded told how many keys are sent so far, every 10,000 keys
     */
    public Loaded replaceAll(InputStream rdb, long rdbBytes, InstanceEndpoint target, Duration timeout,
            LongConsumer keysLoaded) throws RecoveryFailure {
        RdbScanner records = new RdbScanner(rdb, READ_BUFFER, true, null);
        long restored = 0;
        long expired = 0;
        long functions = 0;
        int selectedDb = 0;
        long now = clock.millis();

        try (RespPipe pipe = RespPipe.open(target, timeout, RespPipe.Refusals.STOP);
                TransferGuard guard = TransferGuard.start("The load into " + target, limits, rdbBytes, pipe::abort)) {
            pipe.onWritten(guard::transferred);
            try {
                pipe.flushAll();
                while (records.next()) {
                    if (records.kind() == RdbScanner.Kind.FUNCTION) {
                        pipe.restoreFunctions(RdbEntries.functionPayload(records.recordBuffer(),
                                records.recordOffset(), records.recordLength(), records.rdbVersion()));
                        functions++;
                        continue;
                    }
                    long expireAt = records.expireAtMs();
                    if (expireAt >= 0 && expireAt <= now) {
                        expired++;
                        continue;
                    }
                    if (records.db() != selectedDb) {
                        selectedDb = records.db();
                        pipe.select(selectedDb);
                    }
                    byte[] payload = RdbEntries.dumpPayload(records.valueType(), records.recordBuffer(),
                            records.valueOffset(), records.valueLength(), records.rdbVersion());
                    pipe.restore(records.key(), expireAt, payload);
                    if (++restored % PROGRESS_EVERY == 0) {
                        keysLoaded.accept(restored);
                    }
                }
                pipe.finish();
            } catch (IOException | RuntimeException | RecoveryFailure e) {
                String why = guard.stopped() != null ? guard.stopped() : e.getMessage();
                throw new RecoveryFailure(guard.stopped() != null ? RecoveryFailure.TOO_SLOW : RecoveryFailure.LOAD_FAILED,
                        "Loading stopped after " + pipe.keysConfirmed() + " keys were confirmed: " + why, e);
            }
        }
        keysLoaded.accept(restored);
        return new Loaded(restored, expired, functions);
    }
}
