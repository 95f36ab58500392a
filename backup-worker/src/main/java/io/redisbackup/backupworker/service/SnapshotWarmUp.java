package io.redisbackup.backupworker.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupstore.WarmUpRdb;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.backupworker.config.BackupWorkerConfig;
import io.redisbackup.backupworker.snapshot.Snapshot;
import io.redisbackup.backupworker.snapshot.SnapshotFailure;
import io.redisbackup.backupworker.snapshot.SnapshotTaker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

/**
 * At a worker's start, a few snapshots of a synthetic RDB go through the snapshot's own code into a scratch backup
 * sealed as the worker's store seals, in the bucket where the store is one (else in a scratch directory), and are
 * thrown away. What only large backups run, above all the key index sorted in runs on disk, merged and sealed on
 * two threads, was otherwise compiled during the first of them: in the benchmark the first 1,000,000-key snapshot
 * after a start spent 0.5-0.9 s more of the worker's CPU than the next ones (268 methods compiled during it, 91
 * of them compiled again), and the second still 0.1-0.3 s. The warm-up's index runs are small, so that a backup of
 * {@value #KEYS} keys sorts and merges as many runs as one of millions.
 */
@ApplicationScoped
class SnapshotWarmUp {

    private static final Logger LOG = Logger.getLogger(SnapshotWarmUp.class);
    /** Keys in the synthetic RDB: about 10 MB, and 3 MB of key index. */
    static final int KEYS = 60_000;
    /** How much of the key index is sorted in memory before a run goes to disk: a dozen runs a snapshot. */
    static final long INDEX_RUN_BYTES = 256 << 10;

    private final CompletableFuture<Long> done = new CompletableFuture<>();

    void warmUp(@Observes Startup started, SealedBackupStore store, BackupWorkerConfig config) {
        int snapshots = config.warmUpSnapshots();
        if (snapshots <= 0) {
            done.complete(0L);
            return;
        }
        Thread.ofPlatform().daemon().name("snapshot-warm-up").start(() -> {
            long start = System.nanoTime();
            try {
                long keys = run(store, snapshots);
                LOG.infof("The snapshot's path is warm: %d snapshots (%d keys) in %d ms", snapshots, keys,
                        (System.nanoTime() - start) / 1_000_000);
                done.complete(keys);
            } catch (IOException | SnapshotFailure | RuntimeException e) {
                LOG.warnf("Warming the snapshot's path failed (backups are not affected): %s", e);
                done.completeExceptionally(e);
            }
        });
    }

    /** The keys the warm-up's snapshots indexed, once they are done; failed if they failed. */
    CompletableFuture<Long> done() {
        return done;
    }

    /**
     * Takes {@code snapshots} snapshots of the synthetic RDB into scratch backups of {@code store}'s sealing, each
     * thrown away; how many keys they indexed.
     */
    static long run(SealedBackupStore store, int snapshots) throws IOException, SnapshotFailure {
        byte[] rdb = WarmUpRdb.of(KEYS);
        Optional<SealedBackupStore> inStore = store.scratchStore();
        Path directory = inStore.isPresent() ? null : Files.createTempDirectory("snapshot-warm-up");
        try {
            SealedBackupStore scratch = inStore.isPresent() ? inStore.get()
                    : store.over(new LocalDirectoryBackupStore(directory));
            long keys = 0;
            for (int i = 0; i < snapshots; i++) {
                keys += snapshot(scratch, rdb).keyCount();
            }
            return keys;
        } finally {
            if (directory != null) {
                LocalDirectoryBackupStore.deleteTree(directory);
            }
        }
    }

    private static Snapshot snapshot(SealedBackupStore scratch, byte[] rdb) throws IOException, SnapshotFailure {
        try (StagedBackup staged = scratch.stage(UUID.randomUUID(), UUID.randomUUID())) {
            Snapshot snapshot;
            try (OutputStream rdbOut = staged.create(BackupStore.RDB);
                    OutputStream indexOut = staged.create(BackupStore.KEY_INDEX)) {
                snapshot = SnapshotTaker.takeFrom(new ByteArrayInputStream(rdb), rdbOut, indexOut, INDEX_RUN_BYTES);
            }
            staged.discard();
            return snapshot;
        }
    }
}
