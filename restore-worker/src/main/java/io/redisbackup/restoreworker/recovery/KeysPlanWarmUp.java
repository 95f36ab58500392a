package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.RdbBackups;
import io.redisbackup.backupstore.WarmUpRdb;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.sealed.SealedBackupStore;

/**
 * A keys recovery's reading, done at a worker's start over a backup of its own in a scratch directory, sealed as
 * the worker's store seals: opening the RDB and the key index, finding the keys, reading and checking their entries
 * ({@link KeysLoader#plan}). A restore worker does nothing else until a recovery comes, often days later, and a
 * recovery is when an incident is on: without this its first ones ran that code in the interpreter.
 */
public final class KeysPlanWarmUp {

    /** Keys in the scratch backup: enough for several index blocks and hundreds of frames. */
    static final int KEYS = 4_000;
    /**
     * Keys in the scratch backup kept where the worker's backups are ({@link #runInStore}): a few MiB, so that a
     * plan's reads are tens of GETs, as from a large backup.
     */
    static final int STORE_KEYS = 40_000;
    /** Keys each plan asks for, as the benchmark's keys recoveries do; one of them not in the backup. */
    static final int KEYS_A_PLAN = 100;

    private KeysPlanWarmUp() {
    }

    /**
     * Stores the scratch backup with {@code store}'s sealing in a directory of its own, makes {@code plans} plans
     * of it, and deletes it; how many keys the plans found. Fails if a plan did not find the keys it should.
     */
    public static long run(SealedBackupStore store, KeysLoader loader, int plans) throws IOException,
            RecoveryFailure {
        Path scratch = Files.createTempDirectory("keys-recovery-warm-up");
        try {
            return plans(store.over(new LocalDirectoryBackupStore(scratch)), KEYS, loader, plans);
        } finally {
            LocalDirectoryBackupStore.deleteTree(scratch);
        }
    }

    /**
     * As {@link #run}, with the scratch backup where {@code store} keeps its backups ({@link
     * SealedBackupStore#scratchStore}): its reads take the path a keys recovery's reads take there (ranged GETs
     * from object storage), which a directory does not. Nothing where the store has no scratch place.
     */
    public static long runInStore(SealedBackupStore store, KeysLoader loader, int plans) throws IOException,
            RecoveryFailure {
        Optional<SealedBackupStore> scratch = store.scratchStore();
        return scratch.isEmpty() ? 0 : plans(scratch.get(), STORE_KEYS, loader, plans);
    }

    private static long plans(SealedBackupStore scratch, int keysStored, KeysLoader loader, int plans)
            throws IOException, RecoveryFailure {
        Manifest manifest = RdbBackups.store(scratch, UUID.randomUUID(), UUID.randomUUID(), WarmUpRdb.of(keysStored),
                WarmUpRdb.RDB_VERSION, true);
        try {
            Random random = new Random(plans);
            long found = 0;
            for (int i = 0; i < plans; i++) {
                List<byte[]> keys = new ArrayList<>();
                for (int k = 0; k < KEYS_A_PLAN - 1; k++) {
                    keys.add(key(random.nextInt(keysStored)));
                }
                keys.add(key(keysStored)); // not in it
                // a store that has opened nothing for each plan: each plan opens the files as the first recovery from
                // a backup does (a store keeps what opening read)
                BackupStore sealed = scratch.unopened();
                try (SeekableByteChannel rdb = sealed.openChannel(manifest, BackupStore.RDB);
                        KeyIndexReader index = sealed.openKeyIndex(manifest, BackupStore.KEY_INDEX)) {
                    KeysLoader.Plan plan = loader.plan(index, rdb, keys);
                    if (plan.notInBackup().size() != 1 || plan.found().isEmpty()) {
                        throw new IllegalStateException("The warm-up's plan found " + plan.found().size()
                                + " keys and missed " + plan.notInBackup().size());
                    }
                    found += plan.found().size();
                }
            }
            return found;
        } finally {
            scratch.delete(manifest.instanceId(), manifest.backupId());
        }
    }

    static byte[] key(int i) {
        return WarmUpRdb.key(i);
    }
}
