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

import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.instanceclient.InstanceEndpoint;

/**
 * Rewrites chosen keys of an instance from a stored backup, finding them through the backup's key index and
 * reading only their entries of the RDB. First {@link #plan}: every key is looked up and every entry to be written
 * is read and checked against its CRC, so a damaged backup is refused before the target changes. Then
 * {@link #restore}: {@code RESTORE ... REPLACE} with the key's absolute expiry ({@code ABSTTL}), in every database
 * the backup holds it in, streamed as a whole instance's load is ({@link RespPipe}). No other key is touched; a key whose expiry has passed, or
 * that the backup does not hold, is left as it is on the target and reported. Knows nothing of Kafka or tasks.
 */
public final class KeysLoader {

    private static final int PROGRESS_EVERY = 100;
    /**
     * How many bytes of checked entries a plan keeps for the restore, so that it does not read them again (from
     * object storage, a second request per key); entries beyond it are read again, and memory stays bounded.
     */
    private static final long PLAN_HOLDS = 32 << 20;
    /**
     * How many keys a plan looks up at once: their index blocks, then their entries, each read side by side where
     * the store can (object storage), the bytes of one batch in memory at a time.
     */
    private static final int PLAN_BATCH = 200;
    private static final long READ_TOGETHER = 8 << 20;

    private final Clock clock;

    public KeysLoader(Clock clock) {
        this.clock = clock;
    }

    /**
     * A key the backup holds, with its entries (one per database) still to be written, and the checked bytes of
     * each entry the plan kept ({@code held}, null where it did not).
     */
    public record Found(byte[] key, List<IndexEntry> entries, List<byte[]> held) {
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
        long holding = 0;
        try {
            for (int from = 0; from < keys.size(); from += PLAN_BATCH) {
                List<byte[]> batch = keys.subList(from, Math.min(keys.size(), from + PLAN_BATCH));
                index.prefetch(batch);
                List<byte[]> liveKeys = new ArrayList<>();
                List<List<IndexEntry>> liveEntries = new ArrayList<>();
                for (byte[] key : batch) {
                    List<IndexEntry> entries = index.find(key);
                    List<IndexEntry> live = entries.stream().filter(entry -> !entry.expiredAt(now)).toList();
                    if (entries.isEmpty()) {
                        notInBackup.add(key);
                    } else if (live.isEmpty()) {
                        expired.add(key);
                    } else {
                        liveKeys.add(key);
                        liveEntries.add(live);
                    }
                }
                Iterator<byte[]> checked = readAll(rdb, liveEntries.stream().flatMap(List::stream).toList());
                for (int k = 0; k < liveKeys.size(); k++) {
                    List<byte[]> held = new ArrayList<>(liveEntries.get(k).size());
                    for (int e = 0; e < liveEntries.get(k).size(); e++) {
                        byte[] bytes = checked.next();
                        boolean keep = holding + bytes.length <= PLAN_HOLDS;
                        held.add(keep ? bytes : null);
                        holding += keep ? bytes.length : 0;
                    }
                    found.add(new Found(liveKeys.get(k), liveEntries.get(k), held));
                }
            }
        } catch (UncheckedIOException e) {
            throw RecoveryFailure.reading("The backup", e.getCause());
        } catch (IOException e) {
            throw RecoveryFailure.reading("The backup", e);
        }
        return new Plan(found, notInBackup, expired);
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

    /**
     * Writes the planned keys into {@code target}, every key's commands streamed on one {@link RespPipe} that keeps
     * each refusal with the command it answers: a key the instance refuses does not stop the others, and the
     * result names it. A key counts as written when every one of its commands was confirmed.
     *
     * @param keysDone told how many keys are sent so far, every {@value #PROGRESS_EVERY} keys and at the end
     * @throws Stopped when the instance refused a key, or the stream broke; it says which keys were written
     */
    public Restored restore(Plan plan, SeekableByteChannel rdb, int rdbVersion, InstanceEndpoint target,
            Duration timeout, LongConsumer keysDone) throws Stopped, RecoveryFailure {
        List<byte[]> sent = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        // each key command's key, by the command's number: the tag that names a refused key
        Map<Long, byte[]> keyOf = new HashMap<>();
        try (RespPipe pipe = RespPipe.open(target, timeout, RespPipe.Refusals.RECORD)) {
            try {
                int selectedDb = 0;
                for (Found key : plan.found()) {
                    long now = clock.millis();
                    boolean written = false;
                    for (int i = 0; i < key.entries().size(); i++) {
                        IndexEntry entry = key.entries().get(i);
                        if (entry.expiredAt(now)) {
                            continue;
                        }
                        byte[] stored = key.held().get(i) != null ? key.held().get(i) : RdbEntries.read(rdb, entry);
                        byte[] payload = RdbEntries.dumpPayload(stored, rdbVersion);
                        if (entry.db() != selectedDb) {
                            pipe.select(entry.db());
                            selectedDb = entry.db();
                        }
                        keyOf.put(pipe.restore(key.key(), entry.expireAtMs(), payload), key.key());
                        written = true;
                    }
                    (written ? sent : expired).add(key.key());
                    if (sent.size() % PROGRESS_EVERY == 0 && written) {
                        keysDone.accept(sent.size());
                    }
                }
                pipe.finish();
            } catch (IOException | RecoveryFailure e) {
                throw stopped("the stream to the instance broke: " + e.getMessage(), sent, expired,
                        unconfirmed(keyOf, pipe.answered()), e);
            }
            List<RespPipe.Refusal> refusals = pipe.refusals();
            if (!refusals.isEmpty()) {
                Set<byte[]> refused = Collections.newSetFromMap(new IdentityHashMap<>());
                refusals.forEach(refusal -> refused.add(keyOf.get(refusal.command()))); // key writes only
                throw stopped("the instance refused " + refused.size() + " of them, the first with: "
                        + refusals.get(0).reply(), sent, expired, refused, null);
            }
        }
        keysDone.accept(sent.size());
        return new Restored(sent, expired);
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
