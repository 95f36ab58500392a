package io.redisbackup.backupworker.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.RdbBackups;
import io.redisbackup.backupstore.WarmUpRdb;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.sealed.BackupKeys;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.backupworker.snapshot.Snapshot;
import io.redisbackup.backupworker.snapshot.SnapshotTaker;

class SnapshotWarmUpTest {

    @TempDir
    Path dir;

    @Test
    void anRdbAtHandIsTakenApartAsASnapshotIsAndItsIndexSortedInRunsIsTheIndexSortedAtOnce() throws Exception {
        byte[] rdb = WarmUpRdb.of(SnapshotWarmUp.KEYS);
        ByteArrayOutputStream rdbOut = new ByteArrayOutputStream();
        ByteArrayOutputStream indexOut = new ByteArrayOutputStream();
        Snapshot snapshot = SnapshotTaker.takeFrom(new ByteArrayInputStream(rdb), rdbOut, indexOut,
                SnapshotWarmUp.INDEX_RUN_BYTES);
        assertArrayEquals(rdb, rdbOut.toByteArray());
        assertEquals(SnapshotWarmUp.KEYS, snapshot.keyCount());
        assertEquals(RdbBackups.sha256(rdb), snapshot.rdbSha256());
        ByteArrayOutputStream atOnce = new ByteArrayOutputStream();
        SnapshotTaker.takeFrom(new ByteArrayInputStream(rdb), new ByteArrayOutputStream(), atOnce, 1L << 30);
        assertArrayEquals(atOnce.toByteArray(), indexOut.toByteArray(),
                "a dozen sorted runs merged make the index one sort makes");
        Path index = Files.write(dir.resolve("keys.idx"), indexOut.toByteArray());
        try (KeyIndexReader reader = KeyIndexReader.open(index)) {
            List<IndexEntry> found = reader.find(WarmUpRdb.key(12_345));
            assertEquals(1, found.size());
            assertArrayEquals(WarmUpRdb.key(12_345), found.get(0).key());
        }
    }

    @Test
    void theSnapshotsLeaveNothingBehind() throws Exception {
        Path root = dir.resolve("store");
        SealedBackupStore store = new SealedBackupStore(new LocalDirectoryBackupStore(root),
                new SealedBackupStore.Settings(Optional.of(BackupKeys.parse(
                        "test-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")), Optional.of(1), 16 << 10));
        List<Path> before = scratchDirectories();
        assertEquals(2L * SnapshotWarmUp.KEYS, SnapshotWarmUp.run(store, 2));
        assertEquals(before, scratchDirectories(), "the scratch directory is gone");
        try (Stream<Path> left = Files.walk(root)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "nothing in the worker's own store");
        }
    }

    private static List<Path> scratchDirectories() throws IOException {
        try (Stream<Path> temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return temporary.filter(p -> p.getFileName().toString().startsWith("snapshot-warm-up")).sorted()
                    .toList();
        }
    }
}
