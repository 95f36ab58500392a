package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.KeyPattern;
import io.redisbackup.backupstore.keyindex.KeySelection;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.RecoverKeysCommand;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.restoreworker.recovery.KeysLoader;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.restoreworker.recovery.SideBySide;
import io.redisbackup.instanceclient.cluster.HashSlots;
import io.redisbackup.restoreworker.recovery.TargetPipes;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recovers chosen keys: under the lease, every key is looked up in the backup's key index and every entry to be
 * written is checked ({@link KeysLoader#plan}) before the instance shows {@code Recovering Backup by Key} and the keys
 * are rewritten. The result names the keys restored, not in the backup, expired, and (when it stopped part-way)
 * not restored.
 */
@ApplicationScoped
public class KeysRecovery {

    private static final Logger LOG = Logger.getLogger(KeysRecovery.class);

    private final BackupStore store;
    private final KeysLoader loader;
    private final RestoreWorkerConfig config;

    public KeysRecovery(BackupStore store, KeysLoader loader, RestoreWorkerConfig config) {
        this.store = store;
        this.loader = loader;
        this.config = config;
    }

    /** Reads the keys the command names; the recovery to run once the lease is held. */
    Recovery prepare(RecoverKeysCommand command, Manifest manifest) throws RecoveryFailure {
        KeySelection selection = selection(command);
        int maxKeys = command.maxKeys() == null ? Integer.MAX_VALUE : command.maxKeys();
        return (target, reporting) -> rewriteKeys(command, selection, maxKeys, manifest, target, reporting);
    }

    /** The keys, patterns and databases the command names; a command that names them wrongly does nothing. */
    private static KeySelection selection(RecoverKeysCommand command) throws RecoveryFailure {
        try {
            List<byte[]> keys = command.keys();
            List<KeyPattern> patterns = command.patterns().stream().map(KeyPattern::of).toList();
            List<Integer> databases = command.databasesOrAll();
            if (databases.stream().anyMatch(db -> db == null || db < 0)
                    || command.maxKeys() != null && command.maxKeys() < 1
                    || keys.isEmpty() && patterns.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return new KeySelection(keys, patterns, Set.copyOf(databases));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RecoveryFailure("INVALID_COMMAND", "The command names no key, a key or pattern that is not "
                    + "Base64, a database below 0 or a limit below 1; nothing was done.");
        }
    }

    private RecoveryResult rewriteKeys(RecoverKeysCommand command, KeySelection selection, int maxKeys,
            Manifest manifest, Recovery.Target checked, Recovery.Reporting reporting) throws RecoveryFailure,
            IOException {
        List<AutoCloseable> opened = new ArrayList<>();
        long started = System.nanoTime();
        try {
            List<KeysLoader.Source> sources = new ArrayList<>();
            List<KeysLoader.Rdb> rdbs = new ArrayList<>();
            // in a cluster backup, each key in the shard of its slot
            List<KeySelection.InPart> parts = selection.byPart(manifest, HashSlots::of);
            List<AutoCloseable> files = openAll(manifest, parts, opened);
            for (int p = 0; p < parts.size(); p++) {
                SeekableByteChannel rdb = (SeekableByteChannel) files.get(2 * p);
                KeyIndexReader index = (KeyIndexReader) files.get(2 * p + 1);
                sources.add(new KeysLoader.Source(index, rdb, parts.get(p).selection()));
                rdbs.add(new KeysLoader.Rdb(rdb, parts.get(p).part().rdbVersion()));
            }
            long filesOpened = System.nanoTime();
            KeysLoader.Plan plan = loader.plan(sources, maxKeys);
            long planned = System.nanoTime();
            TargetPipes pipes = checked.keysPipes(); // opened and checked meanwhile
            opened.add(pipes);
            long piped = System.nanoTime();
            // only a whole-instance recovery reports a failure by whether it had changed the target
            reporting.attempt().changingTarget(false);
            reporting.instanceStatus().accept(InstanceStatus.RECOVERING_BY_KEY);
            int total = plan.found().size();
            reporting.task().progress(Progress.ofKeys(0, total), "rewriting the " + total + " keys selected that the "
                    + "backup holds");
            KeysLoader.Restored done;
            try {
                done = loader.restore(plan, rdbs, pipes, written -> {
                    reporting.attempt().ensureHeld();
                    // at most one a progress interval: a recovery of a few keys ends before its first, and one of a
                    // million keys sent an event and a row update in the task center every 100 keys
                    reporting.task().progress(Progress.ofKeys(written, total), "rewriting keys",
                            config.progressInterval());
                });
            } catch (KeysLoader.Stopped stopped) {
                throw stopped.withResult(result(command, plan, stopped.done(), notRestored(plan, stopped.done()))
                        .toMap());
            }
            RecoveryResult.KeysRecovered result = result(command, plan, done, null);
            // where the time went, for whoever asks why a recovery took what it took
            LOG.infof("Instance %s: %d keys rewritten from backup %s, %d not in it, %d expired; opening the backup's "
                    + "files took %d ms, finding and reading the keys %d ms, then the target's pipes %d ms more, the "
                    + "writes %d ms", command.instanceId(), done.restored().size(), command.backupId(),
                    plan.notInBackup().size(), result.expired().size(), millis(started, filesOpened),
                    millis(filesOpened, planned), millis(planned, piped), millis(piped, System.nanoTime()));
            return result;
        } catch (DamagedBackupException | UnknownBackupKeyException e) {
            throw RecoveryFailure.reading(command.backupId(), e);
        } finally {
            for (AutoCloseable closeable : opened) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // files only read from, pipes whose replies were read: nothing is lost, and the outcome stands
                }
            }
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /**
     * Every part's RDB and key index, opened side by side (from object storage, a backup's first opening is a few
     * requests one after the other; the store keeps what it read for the next): the RDB then the index of each part,
     * in order. What opened goes to {@code opened} (to be closed), whatever failed.
     */
    private List<AutoCloseable> openAll(Manifest manifest, List<KeySelection.InPart> parts, List<AutoCloseable> opened)
            throws IOException {
        List<Callable<AutoCloseable>> opening = new ArrayList<>();
        for (KeySelection.InPart part : parts) {
            opening.add(() -> store.openChannel(manifest, part.part().rdbFile()));
            opening.add(() -> store.openKeyIndex(manifest, part.part().indexFile()));
        }
        SideBySide.Outcome<AutoCloseable> files = SideBySide.all(opening);
        opened.addAll(files.done());
        switch (files.failure()) {
            case null -> {
                return files.done();
            }
            case IOException io -> throw io;
            case RuntimeException unchecked -> throw unchecked;
            default -> throw new IOException(files.failure());
        }
    }

    private static RecoveryResult.KeysRecovered result(RecoverKeysCommand command, KeysLoader.Plan plan,
            KeysLoader.Restored done, List<byte[]> notRestored) {
        // the keys whose expiry had passed: when the plan was made, or by the time they were to be written
        List<byte[]> expired = new ArrayList<>(plan.expired());
        expired.addAll(done.expired());
        return new RecoveryResult.KeysRecovered(command.backupId(), plan.found().size(), done.restored(),
                plan.notInBackup(), expired, notRestored);
    }

    /** The keys the backup holds that a stopped recovery did not write (the loader hands back the plan's arrays). */
    private static List<byte[]> notRestored(KeysLoader.Plan plan, KeysLoader.Restored done) {
        Set<byte[]> written = Collections.newSetFromMap(new IdentityHashMap<>());
        written.addAll(done.restored());
        written.addAll(done.expired());
        List<byte[]> rest = new ArrayList<>(plan.found().stream().map(KeysLoader.Found::key).toList());
        rest.removeIf(written::contains);
        return rest;
    }
}
