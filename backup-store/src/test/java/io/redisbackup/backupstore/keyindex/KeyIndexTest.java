package io.redisbackup.backupstore.keyindex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.RangeReads;

class KeyIndexTest {

    @TempDir
    Path dir;

    @Test
    void findsEveryKeyInEveryDatabaseAfterSortingInManyRunsOnDisk() throws IOException {
        assertTrue(indexesEveryKey(16 << 10, 1 << 15) > 5, "the entries went to disk in runs");
    }

    @Test
    void findsEveryKeyAfterSortingInChunksInRunsAndInMemory() throws IOException {
        assertTrue(indexesEveryKey(16 << 10, 64) > 5, "the entries went to disk in runs of many chunks");
        assertEquals(0, indexesEveryKey(1 << 20, 97), "the chunks stayed in memory");
    }

    @Test
    void opensAnIndexByRangesAskedAtOnceWhereTheChannelTakesThem() throws IOException {
        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 5_000; i++) {
                writer.add(new IndexEntry(0, ("key:" + i).getBytes(StandardCharsets.US_ASCII), 9 + 20L * i,
                        29 + 20L * i, 0, -1, i));
            }
            writer.finish(11, out);
        }
        byte[] stored = Files.readAllBytes(file);
        List<List<RangeReads.Range>> asked = new ArrayList<>();
        List<Long> oneByOne = new ArrayList<>();
        // a channel of object storage: each readRanges call, and each read, is a round of requests
        class Batched extends io.redisbackup.backupstore.ReadOnlyChannel implements RangeReads {
            Batched() {
                super(stored.length);
            }

            @Override
            protected int readAt(long position, java.nio.ByteBuffer dst, int wanted) {
                oneByOne.add(position);
                dst.put(stored, (int) position, wanted);
                return wanted;
            }

            @Override
            public List<byte[]> readRanges(List<Range> ranges) {
                asked.add(ranges);
                return ranges.stream().map(r -> java.util.Arrays.copyOfRange(stored, (int) r.position(),
                        (int) r.end())).toList();
            }
        }
        try (KeyIndexReader index = KeyIndexReader.open(new Batched())) {
            assertEquals(List.of(), oneByOne, "nothing read but by ranges asked at once");
            assertEquals(2, asked.size(), "both ends, then the sparse part: " + asked);
            assertEquals(2, asked.get(0).size());
            assertEquals(1, asked.get(1).size());
            assertTrue(asked.get(1).get(0).length() > 1000, "the sparse part of 40 blocks, whole");
            assertEquals(1, index.find("key:4321".getBytes(StandardCharsets.US_ASCII)).size());
        }
    }

    /** Indexes 20,000 random entries and finds every one; how many runs went to disk. */
    private int indexesEveryKey(long runBytes, int chunk) throws IOException {
        Random random = new Random(7);
        List<IndexEntry> added = new ArrayList<>();
        Path file = dir.resolve("keys.idx");
        int runs;
        try (KeyIndexWriter writer = new KeyIndexWriter(runBytes, chunk); OutputStream out = Files.newOutputStream(file)) {
            long offset = 9;
            for (int i = 0; i < 20_000; i++) {
                byte[] key = switch (random.nextInt(10)) {
                    case 0 -> binaryKey(random);
                    // alike in more than the 16 bytes the sort orders by first
                    case 1 -> ("session:user:profile:" + random.nextInt(15_000)).getBytes();
                    default -> ("key:" + random.nextInt(15_000)).getBytes();
                };
                int db = random.nextInt(3);
                if (added.stream().anyMatch(e -> e.db() == db && java.util.Arrays.equals(e.key(), key))) {
                    continue; // one key per database, as in Redis
                }
                long end = offset + 10 + random.nextInt(100);
                IndexEntry entry = new IndexEntry(db, key, offset, end, random.nextInt(20), random.nextBoolean() ? -1 : end,
                        random.nextInt());
                writer.add(entry);
                added.add(entry);
                offset = end;
            }
            writer.finish(10, out);
            runs = writer.runs();
            assertEquals(added.size(), writer.keys());
            Map<Integer, Long> perDatabase = new TreeMap<>();
            added.forEach(e -> perDatabase.merge(e.db(), 1L, Long::sum));
            assertEquals(perDatabase, writer.keysPerDatabase(), "databases that come back are counted once each");
            assertEquals(perDatabase, writer.keysPerDatabase(), "asking twice counts nothing twice");
            assertEquals(Files.size(file), writer.bytes());
        }

        Map<String, List<IndexEntry>> byKey = new TreeMap<>();
        added.forEach(e -> byKey.computeIfAbsent(new String(e.key(), StandardCharsets.ISO_8859_1), k -> new ArrayList<>()).add(e));
        try (KeyIndexReader reader = KeyIndexReader.open(file)) {
            assertEquals(10, reader.rdbVersion());
            assertEquals(added.size(), reader.entries());
            for (List<IndexEntry> expected : byKey.values()) {
                List<IndexEntry> found = reader.find(expected.get(0).key());
                assertEquals(expected.stream().sorted((a, b) -> Integer.compare(a.db(), b.db())).toList(), found);
            }
            assertEquals(List.of(), reader.find("not:there".getBytes()));
            assertEquals(List.of(), reader.find(new byte[0]));
            assertEquals(List.of(), reader.find(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff }));
        }
        return runs;
    }

    @Test
    void findsAKeyHeldInManyDatabasesAcrossABlockBoundary() throws IOException {
        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 120; i++) {
                writer.add(new IndexEntry(0, String.format("a:%03d", i).getBytes(), i, i + 1, 0, -1, i));
            }
            for (int db = 0; db < 16; db++) {
                writer.add(new IndexEntry(db, "shared".getBytes(), 1000 + db, 1001 + db, 0, -1, db));
            }
            writer.finish(10, out);
        }
        try (KeyIndexReader reader = KeyIndexReader.open(file)) {
            List<IndexEntry> shared = reader.find("shared".getBytes());
            assertEquals(16, shared.size());
            assertArrayEquals("shared".getBytes(), shared.get(15).key());
            assertEquals(15, shared.get(15).db());
        }
    }

    @Test
    void aKeyLongerThanTheBufferIsARunOfItsOwn() throws IOException {
        Path file = dir.resolve("keys.idx");
        byte[] longKey = "L".repeat(5000).getBytes();
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 10); OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 50; i++) {
                writer.add(new IndexEntry(0, ("k" + i).getBytes(), i, i + 1, 0, -1, i));
                if (i == 25) {
                    writer.add(new IndexEntry(2, longKey, 100, 200, 0, -1, 7));
                }
            }
            writer.finish(10, out);
            assertEquals(51, writer.keys());
        }
        try (KeyIndexReader reader = KeyIndexReader.open(file)) {
            assertEquals(List.of(new IndexEntry(2, longKey, 100, 200, 0, -1, 7)), reader.find(longKey));
            assertEquals(1, reader.find("k49".getBytes()).size());
        }
    }

    @Test
    void aWriterThatGetsTheMemoryOfAnEarlierOneIndexesOnlyItsOwnKeys() throws IOException {
        int runBytes = (1 << 20) + 17; // a size of this test's own
        Path first = dir.resolve("first.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(runBytes, 64); OutputStream out = Files.newOutputStream(first)) {
            for (int i = 0; i < 5000; i++) {
                writer.add(new IndexEntry(0, ("old:" + i).getBytes(), i, i + 1, 0, -1, i));
            }
            writer.finish(10, out);
        }
        Path second = dir.resolve("second.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(runBytes, 64); OutputStream out = Files.newOutputStream(second)) {
            for (int i = 300; i > 0; i--) {
                writer.add(new IndexEntry(1, ("new:" + i).getBytes(), 1000 + i, 1001 + i, 0, -1, i));
            }
            writer.finish(10, out);
        }
        try (KeyIndexReader reader = KeyIndexReader.open(second)) {
            assertEquals(300, reader.entries());
            assertEquals(List.of(), reader.find("old:7".getBytes()));
            assertEquals(List.of(new IndexEntry(1, "new:7".getBytes(), 1007, 1008, 0, -1, 7)),
                    reader.find("new:7".getBytes()));
        }
    }

    /** The entries of {@code format-3.idx}, written by the release before format 4 (a test resource). */
    private static List<IndexEntry> format3Entries() {
        List<IndexEntry> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            entries.add(new IndexEntry(i % 3, String.format("key:%03d", i).getBytes(), i * 10L, i * 10L + 10, i % 7,
                    i % 5 == 0 ? 1_700_000_000_000L + i : -1, i * 31));
        }
        return entries;
    }

    @Test
    void readsTheIndexOfABackupTakenBeforeFormat4AndWritesTheSameAnswersInAThird() throws IOException {
        Path old = dir.resolve("format-3.idx");
        try (var in = KeyIndexTest.class.getResourceAsStream("/keyindex/format-3.idx")) {
            Files.copy(in, old);
        }
        Path current = dir.resolve("format-4.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(current)) {
            for (IndexEntry entry : format3Entries()) {
                writer.add(entry);
            }
            writer.finish(10, out);
        }
        for (Path file : List.of(old, current)) {
            try (KeyIndexReader reader = KeyIndexReader.open(file)) {
                assertEquals(10, reader.rdbVersion());
                assertEquals(300, reader.entries());
                for (IndexEntry entry : format3Entries()) {
                    assertEquals(List.of(entry), reader.find(entry.key()), file.getFileName() + " " + entry);
                }
                List<IndexEntry> scanned = new ArrayList<>();
                reader.scan("key:1".getBytes(), (bytes, offset, length) -> bytes[offset + length - 1] != '7',
                        scanned::add);
                assertEquals(format3Entries().stream().filter(e -> new String(e.key()).startsWith("key:1")
                        && !new String(e.key()).endsWith("7")).toList(), scanned, file.getFileName().toString());
            }
        }
        assertEquals(3, ByteBuffer.wrap(Files.readAllBytes(old), 4, 2).getShort());
        assertEquals(4, ByteBuffer.wrap(Files.readAllBytes(current), 4, 2).getShort());
        assertTrue(Files.size(current) * 2 < Files.size(old),
                Files.size(current) + " bytes against " + Files.size(old));
    }

    @Test
    void keepsEveryFieldWhateverItsValue() throws IOException {
        List<IndexEntry> entries = List.of(
                new IndexEntry(0, new byte[0], 0, 0, 0, 0, 0),
                new IndexEntry(-1, "a".getBytes(), Long.MAX_VALUE - 5, Long.MAX_VALUE, 255, Long.MIN_VALUE, -1),
                new IndexEntry(Integer.MAX_VALUE, "a".getBytes(), 1L << 40, (1L << 40) + (1L << 33), 18, Long.MAX_VALUE,
                        Integer.MIN_VALUE),
                new IndexEntry(3, "ab".getBytes(), 5, 3, 4, -2, 7), // an end before its start: kept as it came
                new IndexEntry(3, "ab\0".getBytes(), 17, 18, 4, -1, 7));
        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            for (IndexEntry entry : entries) {
                writer.add(entry);
            }
            writer.finish(10, out);
        }
        try (KeyIndexReader reader = KeyIndexReader.open(file)) {
            List<IndexEntry> all = new ArrayList<>();
            reader.scan(new byte[0], (bytes, offset, length) -> true, all::add);
            // key order, then database as a signed number, as the sort has always put them
            assertEquals(List.of(entries.get(0), entries.get(1), entries.get(2), entries.get(3), entries.get(4)), all);
        }
    }

    @Test
    void aBlockThatPassesItsChecksumButHoldsNonsenseIsDamageAndNothingElse() throws IOException {
        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 100; i++) {
                writer.add(new IndexEntry(i % 2, ("user:session:" + i).getBytes(), 1000L * i, 1000L * i + 77, 0,
                        i % 3 == 0 ? -1 : 1_800_000_000_000L, i));
            }
            writer.finish(10, out);
        }
        byte[] whole = Files.readAllBytes(file);
        long sparseOffset = ByteBuffer.wrap(whole).getLong(whole.length - KeyIndexFormat.FOOTER_BYTES);
        byte[] block = java.util.Arrays.copyOfRange(whole, KeyIndexFormat.HEADER_BYTES, (int) sparseOffset);
        assertEquals(100, count(block), "the block as written");
        Random random = new Random(11);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] damaged = switch (trial % 3) {
                case 0 -> java.util.Arrays.copyOf(block, random.nextInt(block.length)); // cut short
                case 1 -> { // a byte changed
                    byte[] changed = block.clone();
                    changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
                    yield changed;
                }
                default -> { // nonsense
                    byte[] noise = new byte[random.nextInt(64)];
                    random.nextBytes(noise);
                    yield noise;
                }
            };
            try {
                count(damaged);
            } catch (DamagedBackupException expected) {
                // the damage seen
            }
        }
    }

    /** How many entries a format-4 block holds; damage, as {@link DamagedBackupException}, is all it may throw. */
    private static int count(byte[] block) throws DamagedBackupException {
        KeyIndexFormat.BlockEntries entries = new KeyIndexFormat.BlockEntries(KeyIndexFormat.FORMAT, block, 0,
                block.length, 0);
        int count = 0;
        while (entries.next()) {
            assertTrue(entries.keyLength() >= 0 && entries.entry().key().length == entries.keyLength());
            count++;
        }
        return count;
    }

    @Test
    void anEmptyBackupHasAnEmptyIndex() throws IOException {
        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            writer.finish(10, out);
        }
        try (KeyIndexReader reader = KeyIndexReader.open(file)) {
            assertEquals(0, reader.entries());
            assertEquals(List.of(), reader.find("any".getBytes()));
        }
    }

    @Test
    void refusesAFileThatIsNotAnIndexOrIsCutShort() throws IOException {
        Path junk = dir.resolve("junk");
        Files.write(junk, "REDIS0010 this is an rdb".getBytes());
        assertThrows(IOException.class, () -> KeyIndexReader.open(junk));

        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            writer.add(new IndexEntry(0, "k".getBytes(), 9, 20, 0, -1, 0));
            writer.finish(10, out);
        }
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 3));
        assertThrows(IOException.class, () -> KeyIndexReader.open(file));
    }

    @Test
    void aFlippedByteAnywhereInTheIndexIsDamageNotAWrongAnswer() throws IOException {
        Path file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 300; i++) {
                writer.add(new IndexEntry(i % 3, String.format("key:%03d", i).getBytes(), i * 10L, i * 10L + 10, 0, -1, i));
            }
            writer.finish(10, out);
        }
        byte[] whole = Files.readAllBytes(file);
        // every byte of the entries and the sparse index: the lookup sees the damage, or finds the key as written
        for (int at = KeyIndexFormat.HEADER_BYTES; at < whole.length - KeyIndexFormat.FOOTER_BYTES; at += 7) {
            byte[] damaged = whole.clone();
            damaged[at] ^= 0x04;
            Path copy = dir.resolve("damaged.idx");
            Files.write(copy, damaged);
            try (KeyIndexReader reader = KeyIndexReader.open(copy)) {
                for (int i = 0; i < 300; i += 37) {
                    byte[] key = String.format("key:%03d", i).getBytes();
                    try {
                        List<IndexEntry> found = reader.find(key);
                        assertEquals(List.of(new IndexEntry(i % 3, key, i * 10L, i * 10L + 10, 0, -1, i)), found,
                                "flipped byte " + at);
                    } catch (DamagedBackupException expected) {
                        // the block with the flipped byte
                    }
                }
            } catch (DamagedBackupException expected) {
                // the sparse index with the flipped byte
            }
        }
    }

    private static byte[] binaryKey(Random random) {
        byte[] key = new byte[1 + random.nextInt(12)];
        random.nextBytes(key);
        return key;
    }
}
