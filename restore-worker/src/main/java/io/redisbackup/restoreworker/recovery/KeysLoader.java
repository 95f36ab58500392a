package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.KeySelection;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.instanceclient.InstanceEndpoint;

/**
 * Rewrites chosen keys of an instance from a stored backup, finding them through the backup's key index and
 * reading only their entries of the RDB. First {@link #plan}: every key is looked up and every entry to be written
 * is read and checked against its CRC, so a damaged backup is refused before the target changes. Then
 * {@link #restore}: {@code RESTORE ... REPLACE} with the key's absolute expiry ({@code ABSTTL}), in every database
 * the backup holds it in, streamed as a whole instance's load is ({@link RespPipe}). No other key is touched; a key whose expiry has passed, or
 * that the backup does not hold, is left as it is on the target and reported. An entry larger than
 * {@link RdbEntries#HELD_AT_MOST} is never held: the plan reads it through to check it, the restore reads it again as
 * it sends it. Knows nothing of Kafka or tasks.
 */
public final class KeysLoader {

    private static final int PROGRESS_EVERY = 100;
    /**
     * How many bytes of checked entries a plan keeps for the restore, so that it does not read them again (from
     * object storage, a second request per key); entries beyond it are read again, and memory stays bounded.
     */
    private static final long PLAN_HOLDS = 32 << 20;
    /**
     * How many keys' entries a plan reads at once, side by side where the store can (object storage): the bytes of
     * one batch in memory at a time.
     */
    private static final int PLAN_BATCH = 200;
    private static final long READ_TOGETHER = 8 << 20;

    private final Clock clock;

    public KeysLoader(Clock clock) {
        this.clock = clock;
    }

    /**
     * A key the backup holds, with its entries (one per database) still to be written; {@code source}, which of the
     * plan's {@link Source}s holds them (a cluster backup's shard).
     */
    public record Found(byte[] key, List<Entry> entries, int source) {
    }

    /**
     * One entry of a found key: where the index says it is, the checked bytes the plan kept ({@code held}, null where
     * it did not), and, for an entry too large to hold, where it was found ({@code large}, null for the others).
     */
    public record Entry(IndexEntry index, byte[] held, RdbEntries.Large large) {
    }

    /** One RDB of a backup with its key index (a cluster backup has one a shard), and the keys to look for in it. */
    public record Source(KeyIndexReader index, SeekableByteChannel rdb, KeySelection selection) {
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
            this(LOAD_FAILED, message, done, cause);
        }

        Stopped(String code, String message, Restored done, Throwable cause) {
            super(code, message, cause);
            this.done = done;
        }

        public Restored done() {
            return done;
        }
    }

    /** Looks every key up and checks the entries to be written; reads the backup only. */
    public Plan plan(KeyIndexReader index, SeekableByteChannel rdb, List<byte[]> keys) throws RecoveryFailure {
        return plan(index, rdb, KeySelection.ofKeys(keys), Integer.MAX_VALUE);
    }

    /** {@link #plan(List, int)} of a backup of one RDB. */
    public Plan plan(KeyIndexReader index, SeekableByteChannel rdb, KeySelection selection, int maxKeys)
            throws RecoveryFailure {
        return plan(List.of(new Source(index, rdb, selection)), maxKeys);
    }

    /**
     * Finds every key each source's selection names or matches and checks the entries to be written; reads the
     * backup only. A selection of more than {@code maxKeys} keys the backup holds, all sources together, is refused
     * with their count (the scan goes on counting, keeping nothing more).
     */
    public Plan plan(List<Source> sources, int maxKeys) throws RecoveryFailure {
        long now = clock.millis();
        Planning planning = new Planning(maxKeys);
        try {
            for (int s = 0; s < sources.size(); s++) {
                Source source = sources.get(s);
                planning.reading(source.rdb(), source.index().rdbVersion(), s);
                source.selection().select(source.index(), planning.notInBackup::add, (key, entries) -> {
                    if (++planning.selected > maxKeys) {
                        planning.found.clear();
                        planning.expired.clear();
                        return true;
                    }
                    List<IndexEntry> live = entries.stream().filter(entry -> !entry.expiredAt(now)).toList();
                    if (live.isEmpty()) {
                        planning.expired.add(key);
                    } else {
                        planning.pending(key, live);
                    }
                    return true;
                });
                planning.check();
            }
        } catch (UncheckedIOException e) {
            throw RecoveryFailure.reading("The backup", e.getCause());
        } catch (IOException e) {
            throw RecoveryFailure.reading("The backup", e);
        }
        if (planning.selected > maxKeys) {
            throw new RecoveryFailure(RecoveryFailure.TOO_MANY_KEYS, "The keys and patterns select "
                    + planning.selected + " keys of the backup; at most " + maxKeys
                    + " in one recovery. Nothing was changed on the instance.");
        }
        return new Plan(planning.found, planning.notInBackup, planning.expired);
    }

    /** A plan being made: the keys found so far, and those whose entries are still to be read and checked. */
    private static final class Planning {
        private final int maxKeys;
        private SeekableByteChannel rdb;
        private int rdbVersion;
        private int source;
        private final List<Found> found = new ArrayList<>();
        private final List<byte[]> notInBackup = new ArrayList<>();
        private final List<byte[]> expired = new ArrayList<>();
        private final List<byte[]> pendingKeys = new ArrayList<>();
        private final List<List<IndexEntry>> pendingEntries = new ArrayList<>();
        private long selected;
        private long holding;

        Planning(int maxKeys) {
            this.maxKeys = maxKeys;
        }

        /** The keys found from now on are in this RDB, the plan's source number {@code source}. */
        void reading(SeekableByteChannel rdb, int rdbVersion, int source) {
            this.rdb = rdb;
            this.rdbVersion = rdbVersion;
            this.source = source;
        }

        void pending(byte[] key, List<IndexEntry> live) {
            pendingKeys.add(key);
            pendingEntries.add(live);
            if (pendingKeys.size() == PLAN_BATCH) {
                check();
            }
        }

        /**
         * Reads and checks the pending keys' entries, side by side, keeping what fits in {@link #PLAN_HOLDS}; an
         * entry too large to hold is read through on its own.
         */
        void check() {
            if (selected <= maxKeys && !pendingKeys.isEmpty()) {
                Iterator<byte[]> checked = readAll(rdb, pendingEntries.stream().flatMap(List::stream)
                        .filter(entry -> !RdbEntries.isLarge(entry)).toList());
                for (int k = 0; k < pendingKeys.size(); k++) {
                    List<IndexEntry> indexed = pendingEntries.get(k);
                    List<Entry> entries = new ArrayList<>(indexed.size());
                    for (IndexEntry entry : indexed) {
                        if (RdbEntries.isLarge(entry)) {
                            entries.add(new Entry(entry, null, checkLarge(rdb, entry, rdbVersion)));
                            continue;
                        }
                        byte[] bytes = checked.next();
                        boolean keep = holding + bytes.length <= PLAN_HOLDS;
                        entries.add(new Entry(entry, keep ? bytes : null, null));
                        holding += keep ? bytes.length : 0;
                    }
                    found.add(new Found(pendingKeys.get(k), entries, source));
                }
            }
            pendingKeys.clear();
            pendingEntries.clear();
        }
    }

    /** {@link RdbEntries#check}, within a scan's visitor (which cannot throw what it reads). */
    private static RdbEntries.Large checkLarge(SeekableByteChannel rdb, IndexEntry entry, int rdbVersion) {
        try {
            return RdbEntries.check(rdb, entry, rdbVersion);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The checked bytes of the entries, read side by side in groups of at most {@value #READ_TOGETHER} bytes (a
     * larger entry alone): what a plan holds at once stays bounded whatever the keys' sizes. The bytes beyond what
     * the plan keeps are dropped as the iterator moves on.
     */
    private static Iterator<byte[]> readAll(SeekableByteChannel rdb, List<IndexEntry> entries) {
        return new Iterator<>() {
            private int next;
            private Iterator<byte[]> group = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                return group.hasNext() || next < entries.size();
            }

            @Override
            public byte[] next() {
                if (!group.hasNext()) {
                    int from = next;
                    long bytes = entries.get(next++).length();
                    while (next < entries.size() && bytes + entries.get(next).length() <= READ_TOGETHER) {
                        bytes += entries.get(next++).length();
                    }
                    try {
                        group = RdbEntries.readAll(rdb, entries.subList(from, next)).iterator();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return group.next();
            }
        };
    }

    /** {@link #restore(Plan, List, KeyRouting, Duration, LongConsumer)} of a backup of one RDB into one server. */
    public Restored restore(Plan plan, SeekableByteChannel rdb, int rdbVersion, InstanceEndpoint target,
            Duration timeout, LongConsumer keysDone) throws Stopped, RecoveryFailure {
        return restore(plan, List.of(new Rdb(rdb, rdbVersion)), KeyRouting.single(target), timeout, keysDone);
    }

    /** An RDB the plan's keys are read from: the {@link Found#source}-th. */
    public record Rdb(SeekableByteChannel channel, int rdbVersion) {
    }

    /**
     * Writes the planned keys into {@code target}, each key's commands streamed on the {@link RespPipe} of the
     * server that holds its slot, which keeps each refusal with the command it answers: a key a server refuses does
     * not stop the others, and the result names it. A key counts as written when every one of its commands was
     * confirmed. A cluster target has one database: a key of another one is refused before anything is written.
     *
     * @param keysDone told how many keys are sent so far, every {@value #PROGRESS_EVERY} keys and at the end
     * @throws Stopped when a server refused a key, or a stream broke; it says which keys were written
     */
    public Restored restore(Plan plan, List<Rdb> rdbs, KeyRouting target, Duration timeout, LongConsumer keysDone)
            throws Stopped, RecoveryFailure {
        try (TargetPipes pipes = TargetPipes.forKeys(target, timeout, TargetPipes.ServerCheck.NONE)) {
            return restore(plan, rdbs, pipes, keysDone);
        }
    }

    /**
     * {@link #restore(Plan, List, KeyRouting, Duration, LongConsumer)} on pipes opened before
     * ({@link TargetPipes#forKeys}), which the caller closes.
     */
    public Restored restore(Plan plan, List<Rdb> rdbs, TargetPipes pipes, LongConsumer keysDone)
            throws Stopped, RecoveryFailure {
        KeyRouting target = pipes.routing();
        refuseOtherDatabases(plan, target);
        List<byte[]> sent = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        // each server's key commands' keys, by the command's number: the tag that names a refused key
        List<Map<Long, byte[]>> keyOf = new ArrayList<>();
        pipes.all().forEach(pipe -> keyOf.add(new HashMap<>()));
        try {
            int[] selectedDb = new int[pipes.all().size()];
            for (Found key : plan.found()) {
                long now = clock.millis();
                boolean written = false;
                int server = target.serverOf(key.key());
                RespPipe pipe = pipes.all().get(server);
                Rdb rdb = rdbs.get(key.source());
                for (Entry entry : key.entries()) {
                    IndexEntry index = entry.index();
                    if (index.expiredAt(now)) {
                        continue;
                    }
                    if (index.db() != selectedDb[server]) {
                        pipe.select(index.db());
                        selectedDb[server] = index.db();
                    }
                    keyOf.get(server).put(restore(pipe, key.key(), entry, rdb), key.key());
                    written = true;
                }
                (written ? sent : expired).add(key.key());
                if (sent.size() % PROGRESS_EVERY == 0 && written) {
                    keysDone.accept(sent.size());
                }
            }
            pipes.finish();
        } catch (IOException | RecoveryFailure e) {
            Set<byte[]> unconfirmed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int server = 0; server < keyOf.size(); server++) {
                unconfirmed.addAll(unconfirmed(keyOf.get(server), pipes.all().get(server).answered()));
            }
            Stopped stopped = stopped((e instanceof DamagedBackupException ? "" : "the stream to the instance "
                    + "broke: ") + e.getMessage(), sent, expired, unconfirmed, e);
            throw e instanceof DamagedBackupException ? new Stopped(RecoveryFailure.BACKUP_CORRUPT,
                    stopped.getMessage(), stopped.done(), e) : stopped;
        }
        Set<byte[]> refused = Collections.newSetFromMap(new IdentityHashMap<>());
        String firstReply = null;
        for (int server = 0; server < keyOf.size(); server++) {
            for (RespPipe.Refusal refusal : pipes.all().get(server).refusals()) {
                refused.add(keyOf.get(server).get(refusal.command())); // key writes only
                firstReply = firstReply == null ? refusal.reply() : firstReply;
            }
        }
        if (!refused.isEmpty()) {
            Stopped stopped = stopped("the instance refused " + refused.size() + " of them, the first with: "
                    + firstReply, sent, expired, refused, null);
            if (RecoveryFailure.slotMoved(firstReply)) {
                // a slot's master changed since the topology was read: a clear reason, not a refusal
                throw new Stopped(RecoveryFailure.TOPOLOGY_CHANGED,
                        RecoveryFailure.slotMovedMessage(stopped.getMessage()), stopped.done(), null);
            }
            throw stopped;
        }
        keysDone.accept(sent.size());
        return new Restored(sent, expired);
    }

    /** A cluster has database 0 only: a key of another one is refused before anything is written. */
    private static void refuseOtherDatabases(Plan plan, KeyRouting target) throws RecoveryFailure {
        if (target.cluster() && plan.found().stream()
                .anyMatch(f -> f.entries().stream().anyMatch(e -> e.index().db() != 0))) {
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "Some of the keys are in a database other than "
                    + "0 in the backup, and a cluster has database 0 only. Nothing was changed on the instance.");
        }
    }

    /**
     * {@code RESTORE} of one entry of {@code key}: from the bytes the plan held, read again, or streamed from the
     * backup when it is too large to hold; the command's number.
     */
    private static long restore(RespPipe pipe, byte[] key, Entry entry, Rdb rdb) throws IOException, RecoveryFailure {
        if (entry.large() == null) {
            byte[] stored = entry.held() != null ? entry.held() : RdbEntries.read(rdb.channel(), entry.index());
            return pipe.restore(key, entry.index().expireAtMs(), RdbEntries.dumpPayload(stored, rdb.rdbVersion()));
        }
        return pipe.restore(entry.large(), rdb.channel(), rdb.rdbVersion());
    }

    /** The keys of the key commands numbered {@code answered} or later: nothing says they were written. */
    private static Set<byte[]> unconfirmed(Map<Long, byte[]> keyOf, long answered) {
        Set<byte[]> keys = Collections.newSetFromMap(new IdentityHashMap<>());
        keyOf.forEach((command, key) -> {
            if (command >= answered) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** The keys sent, less {@code notWritten} (the plan's arrays, compared by identity). */
    private static Stopped stopped(String why, List<byte[]> sent, List<byte[]> expired, Set<byte[]> notWritten,
            Throwable cause) {
        List<byte[]> done = new ArrayList<>(sent);
        done.removeIf(notWritten::contains);
        return new Stopped("The recovery wrote " + done.size() + " of " + sent.size() + " keys: " + why,
                new Restored(done, expired), cause);
    }
}
