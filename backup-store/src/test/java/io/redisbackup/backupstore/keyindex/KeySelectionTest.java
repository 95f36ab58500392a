package io.redisbackup.backupstore.keyindex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Selecting keys by name and by pattern over a written key index gives what a look at every entry would. */
class KeySelectionTest {

    private static final byte[] ALPHABET = { 'a', 'b', 'u', ':', '1', '2', '*', '[', '\\', (byte) 0x80, (byte) 0xff };

    @TempDir
    Path dir;

    private Path file;
    private final List<IndexEntry> added = new ArrayList<>();

    @BeforeEach
    void writeIndex() throws IOException {
        Random random = new Random(3);
        Map<String, IndexEntry> unique = new TreeMap<>();
        long offset = 9;
        while (unique.size() < 30_000) {
            byte[] key = random.nextInt(4) == 0 ? randomBytes(random, 6)
                    : ("user:" + random.nextInt(20_000)).getBytes(StandardCharsets.UTF_8);
            int db = random.nextInt(10) == 0 ? 3 : random.nextInt(2);
            IndexEntry entry = new IndexEntry(db, key, offset, offset + 20, 0, -1, 0);
            if (unique.putIfAbsent(db + "/" + HexFormat.of().formatHex(key), entry) == null) {
                offset += 20;
            }
        }
        added.addAll(unique.values());
        file = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); OutputStream out = Files.newOutputStream(file)) {
            for (IndexEntry entry : added) {
                writer.add(entry);
            }
            writer.finish(10, out);
        }
    }

    @Test
    void patternsSelectWhatTestingEveryEntrySelects() throws IOException {
        Random random = new Random(8);
        List<List<String>> cases = new ArrayList<>(List.of(List.of("user:1*"), List.of("user:1?"), List.of("*"),
                List.of("user:[12]*", "user:1*"), List.of("*:1"), List.of("user:19999"), List.of("zzz*"),
                List.of("[^u]*")));
        for (int i = 0; i < 200; i++) {
            cases.add(List.of(new String(randomBytes(random, 5), StandardCharsets.ISO_8859_1),
                    new String(randomBytes(random, 4), StandardCharsets.ISO_8859_1)));
        }
        for (List<String> patterns : cases) {
            for (Set<Integer> databases : List.of(Set.<Integer>of(), Set.of(3), Set.of(0, 3))) {
                List<KeyPattern> compiled = patterns.stream()
                        .map(p -> KeyPattern.of(p.getBytes(StandardCharsets.ISO_8859_1))).toList();
                KeySelection selection = new KeySelection(List.of(), compiled, databases);
                assertEquals(expected(List.of(), compiled, databases), selected(selection, new ArrayList<>()),
                        () -> patterns + " in " + databases);
            }
        }
    }

    @Test
    void namedKeysComeFirstInTheirOrderAndAreNotSelectedAgainByAPattern() throws IOException {
        List<byte[]> named = List.of("user:17".getBytes(), "not:there".getBytes(), "user:1".getBytes());
        List<KeyPattern> patterns = List.of(KeyPattern.of("user:1?".getBytes()));
        List<byte[]> missing = new ArrayList<>();
        Map<String, List<IndexEntry>> selected = selected(new KeySelection(named, patterns, Set.of()), missing);
        Map<String, List<IndexEntry>> expected = expected(named, patterns, Set.of());
        assertEquals(expected, selected);
        assertEquals(List.of("user:17", "user:1"), selected.keySet().stream().limit(2).toList());
        assertEquals(List.of("not:there"), missing.stream().map(String::new).toList());
    }

    @Test
    void theVisitorStopsTheSelection() throws IOException {
        int[] visited = new int[1];
        try (KeyIndexReader index = KeyIndexReader.open(file)) {
            new KeySelection(List.of(), List.of(KeyPattern.of("*".getBytes())), Set.of())
                    .select(index, key -> { }, (key, entries) -> ++visited[0] < 10);
        }
        assertEquals(10, visited[0]);
    }

    @Test
    void aDamagedBlockIsAnErrorNotAShorterAnswer() throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() / 3);
            int b = raw.read();
            raw.seek(raw.length() / 3);
            raw.write(b ^ 0x20);
        }
        assertThrows(DamagedBackupException.class, () -> selected(
                new KeySelection(List.of(), List.of(KeyPattern.of("*".getBytes())), Set.of()), new ArrayList<>()));
    }

    @Test
    void coveringPrefixesDropThoseAnotherCovers() {
        List<byte[]> covering = KeySelection.coveringPrefixes(List.of(KeyPattern.of("user:1*".getBytes()),
                KeyPattern.of("user:*".getBytes()), KeyPattern.of("cart:?".getBytes()),
                KeyPattern.of("user:2[0-9]".getBytes())));
        assertEquals(List.of("cart:", "user:"), covering.stream().map(String::new).toList());
        assertEquals(List.of(""), KeySelection.coveringPrefixes(List.of(KeyPattern.of("a*".getBytes()),
                KeyPattern.of("*b".getBytes()))).stream().map(String::new).toList());
    }

    private Map<String, List<IndexEntry>> selected(KeySelection selection, List<byte[]> missing) throws IOException {
        Map<String, List<IndexEntry>> selected = new LinkedHashMap<>();
        try (KeyIndexReader index = KeyIndexReader.open(file)) {
            selection.select(index, missing::add, (key, entries) -> {
                if (selected.put(new String(key, StandardCharsets.ISO_8859_1), entries) != null) {
                    throw new AssertionError("a key selected twice");
                }
                return true;
            });
        }
        return selected;
    }

    /** Named keys in their order, then the pattern matches in index order, by looking at every entry. */
    private Map<String, List<IndexEntry>> expected(List<byte[]> named, List<KeyPattern> patterns,
            Set<Integer> databases) {
        Map<String, List<IndexEntry>> expected = new LinkedHashMap<>();
        for (byte[] key : named) {
            List<IndexEntry> entries = added.stream().filter(e -> Arrays.equals(e.key(), key))
                    .filter(e -> databases.isEmpty() || databases.contains(e.db())).toList();
            if (!entries.isEmpty()) {
                expected.put(new String(key, StandardCharsets.ISO_8859_1), entries);
            }
        }
        added.stream().sorted((a, b) -> {
            int byKey = Arrays.compareUnsigned(a.key(), b.key());
            return byKey != 0 ? byKey : Integer.compare(a.db(), b.db());
        }).filter(e -> databases.isEmpty() || databases.contains(e.db()))
                .filter(e -> patterns.stream().anyMatch(p -> p.matches(e.key())))
                .filter(e -> named.stream().noneMatch(k -> Arrays.equals(k, e.key())))
                .forEach(e -> expected.computeIfAbsent(new String(e.key(), StandardCharsets.ISO_8859_1),
                        k -> new ArrayList<>()).add(e));
        expected.replaceAll((k, v) -> List.copyOf(v));
        return expected;
    }

    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] bytes = new byte[1 + random.nextInt(maxLength)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return bytes;
    }
}
