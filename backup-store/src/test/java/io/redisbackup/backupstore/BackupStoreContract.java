package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * What every backup store must do, whatever keeps the bytes: {@link LocalDirectoryBackupStoreTest} and
 * {@link S3BackupStoreTest} run it against a real directory and a real S3-compatible
 * server.
 */
public abstract class BackupStoreContract {

    /** A new, empty store. */
    protected abstract BackupStore newStore() throws IOException;

    /** Whether anything of the backup is left in the store besides what a published backup holds. */
    protected abstract long leftovers(UUID instance, UUID backup) throws IOException;

    /** Whether any byte of the backup is left in the store, published or not. */
    protected abstract boolean anythingOf(UUID instance, UUID backup) throws IOException;

    /**
     * Waits until what the backup's writers handed to the store has landed: a store that uploads in the background
     * might otherwise hold nothing of it yet when a test looks, or still be writing it (so rightly not abandoned)
     * when a test sweeps.
     */
    protected void awaitLanded(UUID instance, UUID backup) {
    }

    protected final UUID instance = UUID.randomUUID();
    protected final UUID backup = UUID.randomUUID();
    protected final byte[] rdb = "REDIS0010 not really".getBytes();

    @Test
    void aBackupIsInvisibleUntilPublishedThenWhole() throws IOException {
        BackupStore store = newStore();
        try (StagedBackup staged = store.stage(instance, backup)) {
            write(staged, BackupStore.RDB, rdb);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            assertTrue(store.manifest(instance, backup).isEmpty());
            assertTrue(store.latestManifest(instance).isEmpty());

            staged.publish(manifest(rdb.length, 3));
        }
        Manifest published = store.manifest(instance, backup).orElseThrow();
        assertEquals(7, published.keyCount());
        try (InputStream in = store.open(published, BackupStore.RDB)) {
            assertArrayEquals(rdb, in.readAllBytes());
        }
        try (java.nio.channels.SeekableByteChannel channel = store.openChannel(published, BackupStore.RDB)) {
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(6);
            channel.position(rdb.length - 6).read(tail);
            assertArrayEquals("really".getBytes(), tail.array());
        }
    }

    @Test
    void aClusterBackupHoldsAnRdbAndAKeyIndexAShardAndIsDeletedWhole() throws IOException {
        BackupStore store = newStore();
        List<Manifest.Shard> shards = List.of(
                new Manifest.Shard(0, List.of("0-8000"), "a1", "10.0.0.1:7000", true, Instant.now(), "7.2.4", 11,
                        "0000000000000001", 3, Map.of(0, 3L)),
                new Manifest.Shard(1, List.of("8001-16000", "16001-16383"), "b1", "10.0.0.2:7000", false,
                        Instant.now(), "7.2.4", 11, "0000000000000002", 4, Map.of(0, 4L)));
        List<Manifest.FileEntry> files = new java.util.ArrayList<>();
        try (StagedBackup staged = store.stage(instance, backup)) {
            for (Manifest.Shard shard : shards) {
                byte[] bytes = ("REDIS0011 shard " + shard.index()).getBytes();
                write(staged, shard.rdbFile(), bytes);
                write(staged, shard.indexFile(), new byte[shard.index() + 1]);
                files.add(new Manifest.FileEntry(shard.rdbFile(), bytes.length, "x", "0"));
                files.add(new Manifest.FileEntry(shard.indexFile(), shard.index() + 1, "y", "0"));
            }
            staged.publish(new Manifest(Manifest.CLUSTER_FORMAT_VERSION, instance, backup, Instant.now(),
                    Instant.now(), "7.2.4", 11, null, 7, Map.of(0, 7L), files, null, null, shards));
        }
        Manifest published = store.manifest(instance, backup).orElseThrow();
        assertTrue(published.cluster());
        assertEquals(List.of("shard-0.rdb", "shard-1.rdb"), published.rdbFiles());
        assertEquals(2 * "REDIS0011 shard 0".length(), published.rdbBytes());
        assertTrue(published.shards().get(1).serves(16383) && !published.shards().get(1).serves(8000));
        assertArrayEquals("REDIS0011 shard 1".getBytes(), read(store, "shard-1.rdb"));
        assertEquals(1, read(store, "shard-0.idx").length);

        store.delete(instance, backup);
        assertFalse(anythingOf(instance, backup), "every shard's files go with the backup");
    }

    @Test
    void anUnpublishedBackupLeavesNothingBehind() throws IOException {
        BackupStore store = newStore();
        try (StagedBackup staged = store.stage(instance, backup)) {
            write(staged, BackupStore.RDB, rdb);
        }
        assertTrue(store.manifest(instance, backup).isEmpty());
        assertEquals(0, leftovers(instance, backup));
    }

    @Test
    void stagingTheSameBackupAgainClearsWhatACrashedAttemptLeft() throws IOException {
        BackupStore store = newStore();
        StagedBackup crashed = store.stage(instance, backup);
        write(crashed, BackupStore.RDB, rdb); // its worker dies here: never published, never discarded

        try (StagedBackup retried = store.stage(instance, backup)) {
            assertEquals(0, leftovers(instance, backup), "the crashed attempt's bytes are gone");
            write(retried, BackupStore.RDB, rdb);
            write(retried, BackupStore.KEY_INDEX, new byte[3]);
            retried.publish(manifest(rdb.length, 3));
        }
        assertEquals(0, leftovers(instance, backup));
        assertArrayEquals(rdb, read(store, BackupStore.RDB));
    }

    @Test
    void whatAWriterThatDiedLeftIsRemovedOnceItIsOldEnough() throws IOException {
        BackupStore store = newStore();
        StagedBackup dying = store.stage(instance, backup);
        OutputStream out = dying.create(BackupStore.RDB);
        out.write(new byte[(5 << 20) + 10]); // more than a part of an upload; the worker dies before the rest
        awaitLanded(instance, backup);
        assertTrue(leftovers(instance, backup) > 0);
        assertTrue(store.manifest(instance, backup).isEmpty(), "nothing is visible");

        assertEquals(0, store.removeAbandoned(Duration.ofHours(1)), "a backup being written is younger than that");
        assertTrue(leftovers(instance, backup) > 0);
        assertTrue(store.removeAbandoned(Duration.ZERO) > 0);
        assertEquals(0, leftovers(instance, backup));
    }

    @Test
    void refusesAManifestThatDisagreesWithTheFiles() throws IOException {
        BackupStore store = newStore();
        try (StagedBackup staged = store.stage(instance, backup)) {
            write(staged, BackupStore.RDB, rdb);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            assertThrows(IOException.class, () -> staged.publish(manifest(rdb.length + 1, 3)));
        }
        assertTrue(store.manifest(instance, backup).isEmpty());
    }

    @Test
    void aBackupIdIsPublishedOnce() throws IOException {
        BackupStore store = newStore();
        for (int i = 0; i < 2; i++) {
            try (StagedBackup staged = store.stage(instance, backup)) {
                write(staged, BackupStore.RDB, rdb);
                write(staged, BackupStore.KEY_INDEX, new byte[3]);
                if (i == 0) {
                    staged.publish(manifest(rdb.length, 3));
                } else {
                    assertThrows(IOException.class, () -> staged.publish(manifest(rdb.length, 3)));
                }
            }
        }
    }

    @Test
    void findsTheInstancesMostRecentBackup() throws IOException {
        BackupStore store = newStore();
        assertTrue(store.latestManifest(instance).isEmpty());
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        for (UUID id : new UUID[] { first, second }) {
            try (StagedBackup staged = store.stage(instance, id)) {
                write(staged, BackupStore.RDB, rdb);
                write(staged, BackupStore.KEY_INDEX, new byte[3]);
                staged.publish(new Manifest(Manifest.FORMAT_VERSION, instance, id, Instant.now(), Instant.now(),
                        "7.0.15", 10, "0", 7, Map.of(0, 7L), List.of(new Manifest.FileEntry(BackupStore.RDB, rdb.length, "x", "0"),
                                new Manifest.FileEntry(BackupStore.KEY_INDEX, 3, "y", "0"))));
            }
        }
        assertEquals(second, store.latestManifest(instance).orElseThrow().backupId());
    }

    @Test
    void deletesDataAndManifest() throws IOException {
        BackupStore store = newStore();
        try (StagedBackup staged = store.stage(instance, backup)) {
            write(staged, BackupStore.RDB, rdb);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(rdb.length, 3));
        }
        Manifest published = store.manifest(instance, backup).orElseThrow();
        store.delete(instance, backup);
        store.delete(instance, backup);
        assertTrue(store.manifest(instance, backup).isEmpty());
        assertFalse(anythingOf(instance, backup));
        assertThrows(NoSuchFileException.class, () -> store.open(published, BackupStore.RDB).read(),
                "a manifest read before the backup was deleted opens nothing");
    }

    @Test
    void aManifestIsReplacedWhole() throws IOException {
        BackupStore store = newStore();
        assertThrows(NoSuchFileException.class, () -> store.replaceManifest(manifest(rdb.length, 3)),
                "only a published backup's manifest is replaced");
        try (StagedBackup staged = store.stage(instance, backup)) {
            write(staged, BackupStore.RDB, rdb);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(manifest(rdb.length, 3));
        }
        Manifest published = store.manifest(instance, backup).orElseThrow();
        Manifest changed = new Manifest(published.formatVersion(), instance, backup, published.startedAt(),
                published.finishedAt(), "7.2.4", published.rdbVersion(), published.rdbCrc64(), published.keyCount(),
                published.keysPerDatabase(), published.files(), published.sealing());
        store.replaceManifest(changed);
        assertEquals("7.2.4", store.manifest(instance, backup).orElseThrow().redisVersion());
        assertArrayEquals(rdb, read(store, BackupStore.RDB));
    }

    @Test
    void opensOnlyTheFilesOfABackup() throws IOException {
        BackupStore store = newStore();
        assertThrows(IllegalArgumentException.class, () -> store.open(manifest(1, 1), "../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store.open(manifest(1, 1), "shard-01.rdb"));
        assertThrows(IllegalArgumentException.class, () -> store.open(manifest(1, 1), "shard-0.rdb/../x"));
        assertThrows(IllegalArgumentException.class, () -> store.openChannel(manifest(1, 1), "../../etc/passwd"));
        try (StagedBackup staged = store.stage(instance, backup)) {
            assertThrows(IllegalArgumentException.class, () -> staged.create("manifest.json"));
        }
    }

    protected byte[] read(BackupStore store, String file) throws IOException {
        try (InputStream in = store.open(store.manifest(instance, backup).orElseThrow(), file)) {
            return in.readAllBytes();
        }
    }

    protected Manifest manifest(long rdbSize, long indexSize) {
        return new Manifest(Manifest.FORMAT_VERSION, instance, backup, Instant.now(), Instant.now(), "7.0.15", 10,
                "0000000000000000", 7, Map.of(0, 7L),
                List.of(new Manifest.FileEntry(BackupStore.RDB, rdbSize, "x", "0"),
                        new Manifest.FileEntry(BackupStore.KEY_INDEX, indexSize, "y", "0")));
    }

    protected static void write(StagedBackup staged, String file, byte[] bytes) throws IOException {
        try (OutputStream out = staged.create(file)) {
            out.write(bytes);
        }
    }
}
