package io.redisbackup.backupworker.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;

class SnapshotTakerTest {

    static RedisServer source;
    final SnapshotTaker taker = new SnapshotTaker(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    @BeforeAll
    static void fill() {
        source = RedisServer.start();
        Datasets.everyType(source);
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    @Test
    void storesAnRdbThatAFreshServerLoadsIntoTheSameDataset() throws Exception {
        Snapshot snapshot = take(source(source.password()));

        try (RedisServer restored = RedisServer.startFromRdb(dir.resolve("dump.rdb"))) {
            assertEquals(source.digest(), restored.digest());
            assertEquals("x", restored.callString("FCALL", "echo_first", "0", "x"), "the function library came along");
        }
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        assertEquals(rdb.length, snapshot.rdbBytes());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rdb)), snapshot.rdbSha256());
        assertEquals("7.0.15", snapshot.redisVersion());
        assertEquals(10, snapshot.rdbVersion());
    }

    @Test
    void countsTheKeysOfEveryDatabase() throws Exception {
        Snapshot snapshot = take(source(source.password()));
        long db0 = (Long) source.call("DBSIZE");
        assertEquals(Map.of(0, db0, 1, 2L, 5, 2L), snapshot.keysPerDatabase());
        assertEquals(db0 + 4, snapshot.keyCount());
    }

    @Test
    void indexesWhereEachKeysEntryLiesInTheRdb() throws Exception {
        Snapshot snapshot = take(source(source.password()));
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        List<Entry> entries = readIndex(dir.resolve("keys.idx"));

        assertEquals(snapshot.keyCount(), entries.size());
        assertEquals(Files.size(dir.resolve("keys.idx")), snapshot.indexBytes());
        for (Entry entry : entries) {
            assertTrue(0 < entry.start && entry.start < entry.end && entry.end <= rdb.length, entry.toString());
        }
        Entry small = entries.stream().filter(e -> e.db == 0 && e.key.equals("string:small")).findFirst().orElseThrow();
        String slice = new String(Arrays.copyOfRange(rdb, (int) small.start, (int) small.end), StandardCharsets.ISO_8859_1);
        assertTrue(slice.contains("string:small") && slice.endsWith("hello"), slice);
        Entry ttl = entries.stream().filter(e -> e.key.equals("string:ttl")).findFirst().orElseThrow();
        assertTrue(ttl.expireAtMs > System.currentTimeMillis(), "the expiry is kept");
        assertEquals(0xFC, rdb[(int) ttl.start] & 0xff, "an entry with an expiry starts at its expiry opcode");
    }

    @Test
    void saysPlainlyWhenThePasswordIsWrong() {
        SnapshotFailure failure = assertThrows(SnapshotFailure.class, () -> take(source("wrong")));
        assertEquals(SnapshotFailure.AUTH_FAILED, failure.code());
    }

    @Test
    void saysPlainlyWhenTheInstanceCannotBeReached() throws Exception {
        int nothingThere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingThere = socket.getLocalPort();
        }
        SnapshotFailure failure = assertThrows(SnapshotFailure.class,
                () -> take(new SnapshotSource("127.0.0.1", nothingThere, null, "x", false)));
        assertEquals(SnapshotFailure.UNREACHABLE, failure.code());
    }

    private Snapshot take(SnapshotSource from) throws SnapshotFailure, IOException {
        try (OutputStream rdb = Files.newOutputStream(dir.resolve("dump.rdb"));
                OutputStream index = Files.newOutputStream(dir.resolve("keys.idx"))) {
            return taker.take(from, rdb, index, Duration.ofMillis(10), bytes -> { });
        }
    }

    private static SnapshotSource source(String password) {
        return new SnapshotSource(source.host(), source.port(), null, password, false);
    }

    record Entry(int db, String key, long start, long end, int type, long expireAtMs) {
    }

    private static List<Entry> readIndex(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            assertEquals("RBKI", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            assertEquals(1, in.readUnsignedShort());
            in.readUnsignedShort();
            while (in.available() > 0) {
                int db = in.readInt();
                byte[] key = in.readNBytes(in.readInt());
                entries.add(new Entry(db, new String(key, StandardCharsets.ISO_8859_1), in.readLong(), in.readLong(),
                        in.readUnsignedByte(), in.readLong()));
            }
        }
        return entries;
    }
}
