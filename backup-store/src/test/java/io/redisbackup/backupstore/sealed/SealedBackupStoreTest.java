package io.redisbackup.backupstore.sealed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStoreTest;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.Sealing;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupstore.WriteBehind;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.backupstore.keyindex.KeyIndexWriter;

/**
 * The backup store contract with compression and encryption on (over a real directory), and what sealing has to
 * show: no value in clear, random reads anywhere, every kind of damage found, keys rotated and rewrapped.
 */
class SealedBackupStoreTest extends LocalDirectoryBackupStoreTest {

    private static final String OLD = "old=" + key(1);
    private static final String NEW = "new=" + key(2);
    /** Small frames, so a few hundred KiB make many. */
    private static final int FRAME = 4096;

    @Override
    protected BackupStore newStore() throws IOException {
        return store(NEW + "," + OLD);
    }

    private SealedBackupStore store(String keys) throws IOException {
        return new SealedBackupStore(new LocalDirectoryBackupStore(root), new SealedBackupStore.Settings(
                Optional.ofNullable(keys).map(BackupKeys::parse), Optional.of(1), FRAME));
    }

    @Test
    void aValueNeverAppearsInClearInAStoredFile() throws IOException {
        byte[] secret = "the-secret-value-of-customer-42;".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        publish(newStore(), secret, "the-secret-key-name".getBytes(StandardCharsets.US_ASCII));

        for (String file : List.of(BackupStore.RDB, BackupStore.KEY_INDEX, Manifest.FILE_NAME)) {
            String stored = Files.readString(dir(instance, backup).resolve(file), StandardCharsets.ISO_8859_1);
            assertFalse(stored.contains("secret"), file + " holds no stored byte in clear");
        }
        Manifest manifest = newStore().manifest(instance, backup).orElseThrow();
        assertEquals("new", manifest.sealing().keyId());
        assertEquals(Manifest.FORMAT_VERSION, manifest.formatVersion());
        assertTrue(manifest.file(BackupStore.RDB).storedSize() < secret.length / 10, "a repeated value compresses");
        assertEquals(secret.length, manifest.file(BackupStore.RDB).sizeBytes(), "sizes are the plain file's");
        assertArrayEquals(secret, read(newStore(), BackupStore.RDB));
    }

    @Test
    void theManifestHasEachFileAsStoredSizeAndCrc32cAndOpenStoredGivesThoseBytes() throws IOException {
        byte[] data = mixed(20 * FRAME + 5);
        publish(newStore(), data, "index".getBytes(StandardCharsets.US_ASCII));
        SealedBackupStore store = store(NEW);
        Manifest manifest = published(store);
        for (String file : List.of(BackupStore.RDB, BackupStore.KEY_INDEX)) {
            byte[] stored = Files.readAllBytes(dir(instance, backup).resolve(file));
            Manifest.FileEntry entry = manifest.file(file);
            assertEquals(stored.length, entry.storedSize(), file);
            assertEquals(String.format("%08x", io.redisbackup.backupstore.Crc32c.of(stored)), entry.storedCrc32c(),
                    file);
            try (InputStream in = store.openStored(manifest, file)) {
                assertArrayEquals(stored, in.readAllBytes(), file + " as stored, nothing opened");
            }
        }
    }

    @Test
    void readsAnyRangeOfTheFileWhereverFramesEnd() throws IOException {
        byte[] data = mixed(50 * FRAME + 123);
        publish(newStore(), data, new byte[0]);
        SealedBackupStore store = store(NEW + "," + OLD);
        try (SeekableByteChannel channel = store.openChannel(published(store), BackupStore.RDB)) {
            assertEquals(data.length, channel.size());
            Random random = new Random(7);
            for (int i = 0; i < 300; i++) {
                int length = 1 + random.nextInt(3 * FRAME);
                int at = random.nextInt(data.length - length);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, at, at + length), readAt(channel, at, length),
                        length + " bytes at " + at);
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(data, data.length - 5, data.length),
                    readAt(channel, data.length - 5, 5), "the end of the last, shorter frame");
            assertEquals(-1, channel.position(data.length).read(ByteBuffer.allocate(1)));
        }
        assertArrayEquals(new byte[0], read(store, BackupStore.KEY_INDEX), "an empty file stays empty");
    }

    @Test
    void readsManyRangesAtOnceWhereverFramesEnd() throws IOException {
        byte[] data = mixed(40 * FRAME + 7);
        publish(newStore(), data, new byte[0]);
        SealedBackupStore store = store(NEW);
        Random random = new Random(11);
        List<RangeReads.Range> ranges = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int length = random.nextInt(2 * FRAME);
            ranges.add(new RangeReads.Range(random.nextInt(data.length - length), length));
        }
        ranges.add(new RangeReads.Range(data.length - 3, 3));
        try (SeekableByteChannel channel = store.openChannel(published(store), BackupStore.RDB)) {
            List<byte[]> read = RangeReads.read(channel, ranges);
            for (int i = 0; i < ranges.size(); i++) {
                RangeReads.Range range = ranges.get(i);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) range.position(), (int) range.end()),
                        read.get(i), range.toString());
            }
            assertThrows(DamagedBackupException.class,
                    () -> RangeReads.read(channel, List.of(new RangeReads.Range(data.length - 2, 3))));
        }
    }

    @Test
    void findsAFlippedByteAnywhereInTheStoredFile() throws IOException {
        byte[] data = mixed(10 * FRAME + 77);
        publish(newStore(), data, new byte[0]);
        SealedBackupStore openedBefore = store(NEW);
        assertArrayEquals(data, readAll(openedBefore));
        Path rdb = dir(instance, backup).resolve(BackupStore.RDB);
        long size = Files.size(rdb);
        for (long at : new long[] { 0, 2, 5, size / 2, size - 30, size - 13, size - 12, size - 1 }) {
            flip(rdb, at);
            SealedBackupStore store = store(NEW); // opens the file afresh
            assertThrows(DamagedBackupException.class, () -> read(store, BackupStore.RDB), "flipped at " + at);
            assertThrows(DamagedBackupException.class, () -> readAll(store), "flipped at " + at + ", read by ranges");
            // a store that opened the file before keeps the table it checked then: a flip in the table or the
            // trailer goes unread, and every frame it reads is still checked
            try {
                assertArrayEquals(data, readAll(openedBefore), "flipped at " + at + ": right, or refused");
            } catch (DamagedBackupException refused) {
                assertTrue(at < size - 30, "a flip in a frame, found where it is read: " + at);
            }
            flip(rdb, at);
        }
        assertArrayEquals(data, read(store(NEW), BackupStore.RDB), "each flip was undone");
    }

    @Test
    void opensAFileItOpenedBeforeWithoutReadingItAgain() throws IOException {
        Map<String, IndexEntry> entries = new java.util.TreeMap<>();
        byte[] index = keyIndex(20_000, entries);
        publish(newStore(), mixed(30 * FRAME), index);
        CountingDirectory files = new CountingDirectory(root);
        SealedBackupStore store = new SealedBackupStore(files, new SealedBackupStore.Settings(
                Optional.of(BackupKeys.parse(NEW)), Optional.of(1), FRAME));
        Manifest manifest = published(store);

        try (KeyIndexReader first = store.openKeyIndex(manifest, BackupStore.KEY_INDEX)) {
            // the end (frame table, sparse part, footer) and the first frame (the header), side by side
            assertTrue(manifest.file(BackupStore.KEY_INDEX).storedSize() > 64 << 10, "more than the end's read");
            assertEquals(2, files.reads.get(), "reads to open the index");
            assertEquals(1, files.rounds.get(), "rounds of reads to open the index");
            assertEquals(List.of(entries.get("key:42")), first.find(bytes("key:42")));
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(mixed(30 * FRAME), 1000, 9000), readAt(store, 1000, 8000));

        files.reads.set(0);
        try (KeyIndexReader again = store.openKeyIndex(manifest, BackupStore.KEY_INDEX);
                SeekableByteChannel rdb = store.openChannel(manifest, BackupStore.RDB)) {
            assertEquals(0, files.reads.get(), "opened again: nothing read");
            assertEquals(List.of(entries.get("key:19999")), again.find(bytes("key:19999")));
            assertEquals(List.of(), again.find(bytes("key:20000")));
            assertArrayEquals(java.util.Arrays.copyOfRange(mixed(30 * FRAME), 5, 20_000), readAt(rdb, 5, 19_995));
            assertTrue(files.reads.get() > 0);
        }

        flip(dir(instance, backup).resolve(BackupStore.KEY_INDEX), 10); // in the first frame: the first blocks
        try (KeyIndexReader damaged = store.openKeyIndex(manifest, BackupStore.KEY_INDEX)) {
            assertThrows(DamagedBackupException.class, () -> damaged.find(bytes("key:0")),
                    "what is read through a file opened before is still checked");
        }
    }

    @Test
    void findsFramesSwappedOrCutOff() throws IOException {
        byte[] data = mixed(6 * FRAME);
        publish(newStore(), data, new byte[0]);
        SealedBackupStore store = store(NEW);
        Path rdb = dir(instance, backup).resolve(BackupStore.RDB);
        byte[] stored = Files.readAllBytes(rdb);

        // the first two records, which have the same length when the data does not compress
        int record = ByteBuffer.wrap(stored).getInt(0) + 4;
        assertEquals(record - 4, ByteBuffer.wrap(stored).getInt(record), "incompressible frames, equal records");
        byte[] swapped = stored.clone();
        System.arraycopy(stored, record, swapped, 0, record);
        System.arraycopy(stored, 0, swapped, record, record);
        Files.write(rdb, swapped);
        assertThrows(DamagedBackupException.class, () -> read(store, BackupStore.RDB));
        assertThrows(DamagedBackupException.class, () -> readAll(store));

        Files.write(rdb, java.util.Arrays.copyOf(stored, stored.length - 1));
        assertThrows(DamagedBackupException.class, () -> read(store, BackupStore.RDB));
        assertThrows(DamagedBackupException.class, () -> readAll(store));
        Files.write(rdb, java.util.Arrays.copyOf(stored, 3 * record));
        assertThrows(DamagedBackupException.class, () -> read(store, BackupStore.RDB), "cut after a whole frame");
        assertThrows(DamagedBackupException.class, () -> readAll(store));
    }

    @Test
    void aBackupSealedWithAKeyTheServiceNoLongerHasNamesThatKey() throws IOException {
        publish(store(OLD), mixed(1000), new byte[0]);
        SealedBackupStore store = store(NEW);
        Manifest manifest = published(store);
        UnknownBackupKeyException unknown = assertThrows(UnknownBackupKeyException.class,
                () -> store.open(manifest, BackupStore.RDB));
        assertEquals("old", unknown.keyId());
        assertTrue(unknown.getMessage().contains("'old'"));
        assertThrows(UnknownBackupKeyException.class, () -> store(null).openChannel(manifest, BackupStore.RDB),
                "nor does a store that encrypts nothing");
    }

    @Test
    void aRewrapMovesABackupToTheNewestKeyWithoutRewritingItsData() throws IOException {
        byte[] data = mixed(3 * FRAME);
        publish(store(OLD), data, new byte[0]);
        byte[] storedBefore = Files.readAllBytes(dir(instance, backup).resolve(BackupStore.RDB));

        SealedBackupStore rotated = store(NEW + "," + OLD);
        assertArrayEquals(data, read(rotated, BackupStore.RDB), "the old key still opens it");
        assertEquals(SealedBackupStore.Rewrap.REWRAPPED, rotated.rewrap(instance, backup));
        assertEquals(SealedBackupStore.Rewrap.ALREADY_CURRENT, rotated.rewrap(instance, backup));
        assertEquals(SealedBackupStore.Rewrap.NOT_FOUND, rotated.rewrap(instance, UUID.randomUUID()));

        SealedBackupStore newOnly = store(NEW);
        assertEquals("new", published(newOnly).sealing().keyId());
        assertArrayEquals(data, read(newOnly, BackupStore.RDB), "the old key is no longer needed");
        assertArrayEquals(storedBefore, Files.readAllBytes(dir(instance, backup).resolve(BackupStore.RDB)));
    }

    @Test
    void aWrappedKeyCopiedIntoAnotherBackupsManifestDoesNotOpen() throws IOException {
        SealedBackupStore store = store(NEW);
        publish(store, mixed(1000), new byte[0]);
        Manifest manifest = published(store);
        Manifest elsewhere = new Manifest(manifest.formatVersion(), UUID.randomUUID(), manifest.backupId(),
                manifest.startedAt(), manifest.finishedAt(), manifest.redisVersion(), manifest.rdbVersion(),
                manifest.rdbCrc64(), manifest.keyCount(), manifest.keysPerDatabase(), manifest.files(),
                manifest.sealing());
        assertThrows(DamagedBackupException.class, () -> store.open(elsewhere, BackupStore.RDB));
    }

    @Test
    void aManifestThatNoLongerReadsAsOneIsDamage() throws IOException {
        publish(newStore(), mixed(1000), new byte[0]);
        Path manifest = dir(instance, backup).resolve(Manifest.FILE_NAME);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"frameBytes\"", "\"frameBytes\" ]"));
        assertThrows(DamagedBackupException.class, () -> newStore().manifest(instance, backup));
        Files.writeString(manifest, text.replace("\"zstd\"", "\"lz5\""));
        assertThrows(DamagedBackupException.class, () -> newStore().manifest(instance, backup),
                "a sealing this service does not know");
    }

    @Test
    void readsBackupsStoredBeforeSealingAsTheyAre() throws IOException {
        byte[] data = mixed(2 * FRAME);
        BackupStore plain = new LocalDirectoryBackupStore(root);
        try (StagedBackup staged = plain.stage(instance, backup)) {
            write(staged, BackupStore.RDB, data);
            write(staged, BackupStore.KEY_INDEX, new byte[3]);
            staged.publish(new Manifest(1, instance, backup, Instant.now(), Instant.now(), "7.0.15", 10, "0", 7,
                    Map.of(0, 7L), List.of(new Manifest.FileEntry(BackupStore.RDB, data.length, "x", "0"),
                            new Manifest.FileEntry(BackupStore.KEY_INDEX, 3, "y", "0"))));
        }
        SealedBackupStore store = store(NEW);
        assertNull(published(store).sealing());
        assertArrayEquals(data, read(store, BackupStore.RDB));
        assertEquals(SealedBackupStore.Rewrap.NOT_ENCRYPTED, store.rewrap(instance, backup));
    }

    @Test
    void sealsAnRdbOnItsWritersThreadWhenAsManyArriveAtOnceAsThereAreCores() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        BackupStore store = newStore();
        try (StagedBackup staged = store.stage(instance, UUID.randomUUID());
                OutputStream atOnce = staged.create(BackupStore.RDB, cores);
                OutputStream fewer = staged.create(BackupStore.shardRdb(0), cores - 1)) {
            assertTrue(atOnce instanceof FramedOutputStream, "as many as the cores: sealed on the writer's thread");
            assertTrue(fewer instanceof WriteBehind, "fewer than the cores: sealed on a thread of its own");
        }
        byte[] data = mixed(20 * FRAME + 5);
        publish(store, data, new byte[0], cores);
        assertArrayEquals(data, read(store, BackupStore.RDB));
        assertArrayEquals(data, readAll(store));
    }

    @Test
    void compressesWithoutEncryptionWhenEncryptionIsOff() throws IOException {
        byte[] data = "a value that repeats; ".repeat(4000).getBytes(StandardCharsets.US_ASCII);
        SealedBackupStore store = store(null);
        publish(store, data, new byte[0]);
        Manifest manifest = published(store);
        assertEquals(new Sealing(FRAME, Sealing.ZSTD, null, null), manifest.sealing());
        assertTrue(manifest.file(BackupStore.RDB).storedSize() < data.length / 10);
        assertArrayEquals(data, read(store, BackupStore.RDB));
        assertArrayEquals(data, readAll(store));
    }

    private void publish(BackupStore store, byte[] rdb, byte[] index) throws IOException {
        publish(store, rdb, index, 1);
    }

    /** @param atOnce how many RDBs the store is told arrive together ({@link StagedBackup#create(String, int)}) */
    private void publish(BackupStore store, byte[] rdb, byte[] index, int atOnce) throws IOException {
        try (StagedBackup staged = store.stage(instance, backup)) {
            try (OutputStream out = staged.create(BackupStore.RDB, atOnce)) {
                for (int at = 0; at < rdb.length; at += 1000) {
                    out.write(rdb, at, Math.min(1000, rdb.length - at));
                }
            }
            write(staged, BackupStore.KEY_INDEX, index);
            staged.publish(manifest(rdb.length, index.length));
        }
    }

    private Manifest published(BackupStore store) throws IOException {
        return store.manifest(instance, backup).orElseThrow();
    }

    /** The whole RDB, read by the channel in pieces of odd sizes. */
    private byte[] readAll(BackupStore store) throws IOException {
        try (SeekableByteChannel channel = store.openChannel(published(store), BackupStore.RDB)) {
            ByteBuffer all = ByteBuffer.allocate((int) channel.size());
            while (all.hasRemaining()) {
                ByteBuffer piece = ByteBuffer.allocate(Math.min(all.remaining(), 3001));
                while (piece.hasRemaining() && channel.read(piece) >= 0) {
                    // a read may give less than asked
                }
                all.put(piece.flip());
            }
            return all.array();
        }
    }

    private byte[] readAt(BackupStore store, long at, int length) throws IOException {
        try (SeekableByteChannel channel = store.openChannel(published(store), BackupStore.RDB)) {
            return readAt(channel, at, length);
        }
    }

    /** A key index of keys {@code key:0} to {@code key:<count - 1>}, each with its entry put in {@code entries}. */
    private static byte[] keyIndex(int count, Map<String, IndexEntry> entries) throws IOException {
        Random random = new Random(count);
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20)) {
            for (int i = 0; i < count; i++) {
                long start = random.nextInt(1 << 30);
                IndexEntry entry = new IndexEntry(0, bytes("key:" + i), start, start + 1 + random.nextInt(1000), 0,
                        -1, random.nextInt());
                writer.add(entry);
                entries.put("key:" + i, entry);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            writer.finish(11, out);
            return out.toByteArray();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A directory whose channels count their reads, and the rounds of them a bucket would wait for one after the
     * other: a read alone is a round, and so are the ranges of one {@link RangeReads#readRanges}.
     */
    private static final class CountingDirectory extends LocalDirectoryBackupStore {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger rounds = new AtomicInteger();

        CountingDirectory(Path root) throws IOException {
            super(root);
        }

        @Override
        public SeekableByteChannel openChannel(Manifest published, String file) throws IOException {
            return new CountingChannel(super.openChannel(published, file));
        }

        private final class CountingChannel implements SeekableByteChannel, RangeReads {
            private final SeekableByteChannel channel;

            CountingChannel(SeekableByteChannel channel) {
                this.channel = channel;
            }

            @Override
            public List<byte[]> readRanges(List<Range> ranges) throws IOException {
                rounds.incrementAndGet();
                reads.addAndGet(ranges.size());
                List<byte[]> read = new java.util.ArrayList<>();
                for (Range range : ranges) {
                    read.add(RangeReads.readFully(channel, range));
                }
                return read;
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                reads.incrementAndGet();
                rounds.incrementAndGet();
                return channel.read(dst);
            }

            @Override
            public int write(ByteBuffer src) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long position() throws IOException {
                return channel.position();
            }

            @Override
            public SeekableByteChannel position(long newPosition) throws IOException {
                channel.position(newPosition);
                return this;
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public SeekableByteChannel truncate(long size) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        }
    }

    private static byte[] readAt(SeekableByteChannel channel, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(at);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // a read may give less than asked
        }
        return buffer.array();
    }

    /** Half random bytes, half a repeated text: frames that compress and frames that do not. */
    private static byte[] mixed(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        byte[] text = "compressible ".getBytes(StandardCharsets.US_ASCII);
        for (int i = length / 2; i < length; i++) {
            data[i] = text[i % text.length];
        }
        return data;
    }

    private Path dir(UUID instance, UUID backup) {
        return root.resolve("instances").resolve(instance.toString()).resolve(backup.toString());
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x01);
        }
    }

    private static String key(int seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }
}
