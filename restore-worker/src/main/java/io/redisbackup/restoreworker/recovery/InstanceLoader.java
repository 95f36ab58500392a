package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.backupstore.keyindex.RdbScanner;
import io.redisbackup.taskexecution.TransferGuard;
import io.redisbackup.instanceclient.InstanceEndpoint;

/**
 * Loads a whole stored RDB (or a cluster backup's, one a shard) into an instance or a cluster: every database emptied ({@code FLUSHALL}, the stream's first
 * command), then every key written back with {@code RESTORE ... REPLACE} (with its absolute expiry, {@code ABSTTL}),
 * and the function libraries with {@code FUNCTION RESTORE ... REPLACE}. Values are never decoded: each key's payload
 * is its entry's bytes as stored (see {@link RdbEntries}). The commands stream to the instance while another thread reads its replies
 * ({@link RespPipe}), as {@code redis-cli --pipe} does. A key whose expiry has passed is counted, not loaded.
 * Memory holds a key of up to {@link RdbEntries#HELD_AT_MOST} bytes and a bounded number of unanswered commands: a
 * larger key is stepped over as the file streams by and its payload sent as it is read again from the file, piece
 * by piece ({@link RdbEntries#writePayload}). Knows nothing of Kafka or tasks.
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

    /** One RDB of a backup: read from its start, and read again where a key too large to hold lies. */
    public interface RdbFile {
        InputStream open() throws IOException;

        SeekableByteChannel openChannel() throws IOException;

        /** The file {@code file} of a stored backup. */
        static RdbFile stored(BackupStore store, Manifest manifest, String file) {
            return new RdbFile() {
                @Override
                public InputStream open() throws IOException {
                    return store.open(manifest, file);
                }

                @Override
                public SeekableByteChannel openChannel() throws IOException {
                    return store.openChannel(manifest, file);
                }
            };
        }
    }

    /**
     * @param rdbBytes the RDB's size: the load's deadline is the base plus this at the minimum rate
     * @param keysLoaded told how many keys are sent so far, every 10,000 keys
     */
    public Loaded replaceAll(RdbFile rdb, long rdbBytes, InstanceEndpoint target, Duration timeout,
            LongConsumer keysLoaded) throws RecoveryFailure {
        return replaceAll(List.of(rdb), rdbBytes, KeyRouting.single(target), timeout, keysLoaded);
    }

    /**
     * Empties every server of the target, then loads the keys of every RDB (a cluster backup's shards, in turn),
     * each into the server that {@code target} routes it to; function libraries go to every server. A cluster target
     * has one database: a key of another one stops the load.
     *
     * @param rdbBytes the RDBs' size together: the load's deadline is the base plus this at the minimum rate
     */
    public Loaded replaceAll(List<RdbFile> rdbs, long rdbBytes, KeyRouting target, Duration timeout,
            LongConsumer keysLoaded) throws RecoveryFailure {
        long restored = 0;
        long expired = 0;
        long functions = 0;
        long now = clock.millis();

        try (TargetPipes pipes = TargetPipes.open(target, timeout, RespPipe.Refusals.STOP);
                TransferGuard guard = TransferGuard.start("The load into " + target, limits, rdbBytes, pipes::abort)) {
            pipes.onWritten(guard::transferred);
            try {
                for (RespPipe pipe : pipes.all()) {
                    pipe.flushAll();
                }
                int[] selectedDb = new int[pipes.all().size()]; // each server's, across the files
                for (RdbFile file : rdbs) {
                    try (InputStream rdb = file.open(); Again again = new Again(file)) {
                        RdbScanner records = new RdbScanner(rdb, READ_BUFFER, RdbEntries.HELD_AT_MOST, null);
                        while (records.next()) {
                            if (records.kind() == RdbScanner.Kind.FUNCTION && !records.recordHeld()) {
                                throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "A function library of "
                                        + records.recordLength() + " bytes: more than a recovery holds");
                            }
                            if (records.kind() == RdbScanner.Kind.FUNCTION) {
                                byte[] payload = RdbEntries.functionPayload(records.recordBuffer(),
                                        records.recordOffset(), records.recordLength(), records.rdbVersion());
                                for (RespPipe pipe : pipes.all()) {
                                    pipe.restoreFunctions(payload);
                                }
                                functions++;
                                continue;
                            }
                            long expireAt = records.expireAtMs();
                            if (expireAt >= 0 && expireAt <= now) {
                                expired++;
                                continue;
                            }
                            byte[] key = records.key();
                            int server = target.serverOf(key);
                            RespPipe pipe = pipes.all().get(server);
                            if (records.db() != selectedDb[server]) {
                                if (target.cluster()) {
                                    throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "The backup holds keys "
                                            + "of database " + records.db() + ", and a cluster has database 0 only");
                                }
                                selectedDb[server] = records.db();
                                pipe.select(selectedDb[server]);
                            }
                            if (records.recordHeld()) {
                                pipe.restore(key, expireAt, RdbEntries.dumpPayload(records.valueType(),
                                        records.recordBuffer(), records.valueOffset(), records.valueLength(),
                                        records.rdbVersion()));
                            } else {
                                again.restore(pipe, RdbEntries.of(records), records.rdbVersion());
                            }
                            if (++restored % PROGRESS_EVERY == 0) {
                                keysLoaded.accept(restored);
                            }
                        }
                    }
                }
                pipes.finish();
            } catch (IOException | RuntimeException | RecoveryFailure e) {
                String why = guard.stopped() != null ? guard.stopped() : e.getMessage();
                String howFar = "Loading stopped after " + pipes.keysConfirmed() + " keys were confirmed: " + why;
                if (e instanceof DamagedBackupException || e instanceof RecoveryFailure failure
                        && RecoveryFailure.BACKUP_CORRUPT.equals(failure.code())) {
                    throw new RecoveryFailure(RecoveryFailure.BACKUP_CORRUPT, howFar, e);
                }
                if (guard.stopped() == null && RecoveryFailure.slotMoved(e.getMessage())) {
                    throw new RecoveryFailure(RecoveryFailure.TOPOLOGY_CHANGED, RecoveryFailure.slotMovedMessage(
                            howFar), e);
                }
                throw new RecoveryFailure(guard.stopped() != null ? RecoveryFailure.TOO_SLOW : RecoveryFailure.LOAD_FAILED,
                        howFar, e);
            }
        }
        keysLoaded.accept(restored);
        return new Loaded(restored, expired, functions);
    }

    /** The keys of one file too large to hold, read again from it: opened at the first such key, if any. */
    private static final class Again implements AutoCloseable {
        private final RdbFile file;
        private SeekableByteChannel channel;

        Again(RdbFile file) {
            this.file = file;
        }

        void restore(RespPipe pipe, RdbEntries.Large large, int rdbVersion) throws IOException, RecoveryFailure {
            if (channel == null) {
                channel = file.openChannel();
            }
            pipe.restore(large, channel, rdbVersion);
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
