package io.redisbackup.backupworker.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.backupstore.keyindex.IndexEntry;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceNetworks;
import io.redisbackup.taskexecution.TransferGuard;
import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;

class SnapshotTakerTest {

    static RedisServer source;
    final SnapshotTaker taker = new SnapshotTaker(Duration.ofSeconds(10),
            new TransferGuard.Limits(Duration.ofMinutes(1), 1, Duration.ofMinutes(1)));

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
        assertEquals(crc32c(rdb), snapshot.rdbCrc32c());
        byte[] index = Files.readAllBytes(dir.resolve("keys.idx"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(index)), snapshot.indexSha256());
        assertEquals(crc32c(index), snapshot.indexCrc32c());
        assertEquals("7.0.15", snapshot.redisVersion());
        assertEquals(10, snapshot.rdbVersion());
    }

    @Test
    void countsTheKeysOfEveryDatabase() throws Exception {
        Snapshot snapshot = take(source(source.password()));
        long db0 = (Long) source.call("DBSIZE");
        assertEquals(Map.of(0, db0, 1, 2L, 5, 2L), snapshot.keysPerDatabase());
        assertEquals(db0 + 4, snapshot.keyCount());
        String dataset = source.callString("INFO", "memory").lines().filter(l -> l.startsWith("used_memory_dataset:"))
                .findFirst().orElseThrow().substring("used_memory_dataset:".length()).strip();
        // what a dry run weighs a target against; the server's own figure moves a little with its clients' buffers
        assertEquals(Long.parseLong(dataset), snapshot.datasetMemoryBytes(), Long.parseLong(dataset) / 20.0);
    }

    @Test
    void indexesWhereEachKeysEntryLiesInTheRdbFindableWithoutReadingItAll() throws Exception {
        Snapshot snapshot = take(source(source.password()));
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        assertEquals(Files.size(dir.resolve("keys.idx")), snapshot.indexBytes());

        try (KeyIndexReader index = KeyIndexReader.open(dir.resolve("keys.idx"))) {
            assertEquals(snapshot.keyCount(), index.entries());
            assertEquals(10, index.rdbVersion());
            List<IndexEntry> small = index.find("string:small".getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of(0, 1), small.stream().map(IndexEntry::db).toList(), "the same name in db 0 and db 1");
            String slice = new String(Arrays.copyOfRange(rdb, (int) small.get(0).start(), (int) small.get(0).end()),
                    StandardCharsets.ISO_8859_1);
            assertTrue(slice.contains("string:small") && slice.endsWith("hello"), slice);

            IndexEntry ttl = index.find("string:ttl".getBytes(StandardCharsets.UTF_8)).get(0);
            assertTrue(ttl.expireAtMs() > System.currentTimeMillis(), "the expiry is kept");
            assertEquals(0xFC, rdb[(int) ttl.start()] & 0xff, "an entry with an expiry starts at its expiry opcode");

            IndexEntry binary = index.find(Datasets.BINARY_KEY).get(0);
            assertTrue(0 < binary.start() && binary.start() < binary.end() && binary.end() <= rdb.length);
            assertEquals(List.of(), index.find("not:in:the:backup".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void takesTheSnapshotAServerWritesToDiskFirstAndSendsWithItsLength() throws Exception {
        try (RedisServer disk = RedisServer.start("--repl-diskless-sync", "no")) {
            Datasets.everyType(disk);
            Snapshot snapshot = take(new InstanceEndpoint(disk.host(), disk.port(), null, disk.password(), false));
            try (RedisServer restored = RedisServer.startFromRdb(dir.resolve("dump.rdb"))) {
                assertEquals(disk.digest(), restored.digest());
            }
            assertEquals(Files.size(dir.resolve("dump.rdb")), snapshot.rdbBytes());
        }
    }

    @Test
    void saysPlainlyWhenThePasswordIsWrong() {
        SnapshotFailure failure = assertThrows(SnapshotFailure.class, () -> take(source("wrong")));
        assertEquals(SnapshotFailure.AUTH_FAILED, failure.code());
    }

    @Test
    void refusesANodeOfAClusterWhoseSnapshotWouldHoldItsOwnSlotsOnly() {
        try (RedisCluster cluster = RedisCluster.start(3, 0)) {
            RedisServer node = cluster.nodes().get(0);
            SnapshotFailure failure = assertThrows(SnapshotFailure.class,
                    () -> take(new InstanceEndpoint(node.host(), node.port(), null, node.password(), false)));
            assertEquals(SnapshotFailure.CLUSTER_NODE, failure.code());
            assertTrue(failure.getMessage().contains("cluster_enabled:1"), failure.getMessage());
        }
    }

    @Test
    void refusesASourceOutsideTheNetworksInstancesMayBeOnBeforeSendingItAnything() {
        SnapshotTaker elsewhere = new SnapshotTaker(Duration.ofSeconds(10),
                new TransferGuard.Limits(Duration.ofMinutes(1), 1, Duration.ofMinutes(1)),
                SnapshotTaker.SourceChecks.DEFAULT, InstanceNetworks.of(List.of("10.0.0.0/8")));
        long connections = source.connectionsReceived();
        SnapshotFailure failure = assertThrows(SnapshotFailure.class, () -> elsewhere.take(source(source.password()),
                OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), bytes -> { }, 0));
        assertEquals(SnapshotFailure.NETWORK_NOT_ALLOWED, failure.code());
        assertTrue(failure.getMessage().contains("10.0.0.0/8"), failure.getMessage());
        assertEquals(connections, source.connectionsReceived(), "not even a connection");
    }


    @Test
    void saysPlainlyWhenTheInstanceCannotBeReached() throws Exception {
        int nothingThere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingThere = socket.getLocalPort();
        }
        SnapshotFailure failure = assertThrows(SnapshotFailure.class,
                () -> take(new InstanceEndpoint("127.0.0.1", nothingThere, null, "x", false)));
        assertEquals(SnapshotFailure.UNREACHABLE, failure.code());
    }

    @Test
    void closesTheRdbAsSoonAsItIsWholeAndSaysSoWhenThatFails() throws Exception {
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        RecordingOutput closedFine = new RecordingOutput(null);
        Snapshot snapshot = taker.take(source(source.password()), closedFine, index, bytes -> { }, 0);
        assertEquals(1, closedFine.closes.get(), "closed once, by the taker, before it returned");
        assertEquals(snapshot.rdbBytes(), closedFine.size());

        RecordingOutput diskFull = new RecordingOutput(new IOException("No space left on device"));
        SnapshotFailure failure = assertThrows(SnapshotFailure.class,
                () -> taker.take(source(source.password()), diskFull, new ByteArrayOutputStream(), bytes -> { }, 0));
        assertEquals(SnapshotFailure.STORAGE, failure.code());
        assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
    }

    /** Keeps what is written; counts its closes, and fails them with {@code closeFailure} if there is one. */
    private static final class RecordingOutput extends ByteArrayOutputStream {
        final AtomicInteger closes = new AtomicInteger();
        private final IOException closeFailure;

        RecordingOutput(IOException closeFailure) {
            this.closeFailure = closeFailure;
        }

        @Override
        public void close() throws IOException {
            closes.incrementAndGet();
            if (closeFailure != null) {
                throw closeFailure;
            }
        }
    }

    private Snapshot take(InstanceEndpoint from) throws SnapshotFailure, IOException {
        try (OutputStream rdb = Files.newOutputStream(dir.resolve("dump.rdb"));
                OutputStream index = Files.newOutputStream(dir.resolve("keys.idx"))) {
            return taker.take(from, rdb, index, bytes -> { }, 0);
        }
    }

    private static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return String.format("%08x", crc.getValue());
    }

    private static InstanceEndpoint source(String password) {
        return new InstanceEndpoint(source.host(), source.port(), null, password, false);
    }
}
