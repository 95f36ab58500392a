package io.redisbackup.backupstore.keyindex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;

/** The scanner over RDBs a real server wrote, over hand-made RDBs of older types, and over damaged ones. */
class RdbScannerTest {

    static byte[] rdb;

    @BeforeAll
    static void save(@TempDir Path dir) throws IOException {
        try (RedisServer source = RedisServer.start("--maxmemory-policy", "allkeys-lru")) {
            Datasets.everyType(source);
            source.call("SET", "k".repeat(300), "a long key the server compresses");
            source.call("SET", "12345", "an integer key");
            rdb = Files.readAllBytes(source.saveRdb(dir.resolve("dump.rdb")));
        }
    }

    @Test
    void passesOnEveryByteOfTheRdbAndNothingThatFollowsIt() throws IOException {
        byte[] junk = "after the end: a replication stream or an end mark".getBytes(StandardCharsets.US_ASCII);
        for (int bufferSize : new int[] { 64, 1000, 1 << 16 }) {
            ByteArrayOutputStream passed = new ByteArrayOutputStream();
            RdbScanner scanner = new RdbScanner(new ByteArrayInputStream(concat(rdb, junk)), bufferSize, false,
                    passed::write);
            while (scanner.next()) {
                // every record
            }
            assertArrayEquals(rdb, passed.toByteArray(), "buffer " + bufferSize);
            assertEquals(rdb.length, scanner.position());
            byte[] rest = scanner.remaining();
            assertArrayEquals(Arrays.copyOf(junk, rest.length), rest, "what was read past the end comes first");
            assertEquals(littleEndianLong(rdb, rdb.length - 8), scanner.trailer());
            assertFalse(scanner.next(), "and stays at the end");
        }
    }

    @Test
    void givesTheSameRecordsWhateverItsBufferAndTheirBytesWhenCapturing() throws IOException {
        List<String> expected = records(1 << 16, false);
        assertTrue(expected.size() > 10);
        assertTrue(expected.stream().anyMatch(r -> r.startsWith("FUNCTION")), "the function library is a record");
        assertTrue(expected.stream().anyMatch(r -> r.contains(" 12345 ")), "an integer key as its text");
        assertTrue(expected.stream().anyMatch(r -> r.contains(" " + "k".repeat(300) + " ")), "a compressed key");
        for (int bufferSize : new int[] { 64, 333 }) {
            assertEquals(expected, records(bufferSize, false));
            assertEquals(expected, records(bufferSize, true));
        }
        RdbScanner scanner = new RdbScanner(new ByteArrayInputStream(rdb), 64, true, null);
        while (scanner.next()) {
            byte[] record = Arrays.copyOfRange(scanner.recordBuffer(), scanner.recordOffset(),
                    scanner.recordOffset() + scanner.recordLength());
            assertArrayEquals(Arrays.copyOfRange(rdb, (int) scanner.start(), (int) scanner.end()), record);
            if (scanner.kind() == RdbScanner.Kind.KEY) {
                assertArrayEquals(RdbEntries.dumpPayload(record, scanner.rdbVersion()),
                        RdbEntries.dumpPayload(scanner.valueType(), scanner.recordBuffer(), scanner.valueOffset(),
                                scanner.valueLength(), scanner.rdbVersion()), "the value the scanner points at");
            }
        }
    }

    @Test
    void readsTheTypesAndOpcodesRedis7NoLongerWrites() throws IOException {
        Rdb made = new Rdb(9);
        made.op(0xFA).string("redis-ver").string("3.2.0"); // aux
        made.op(0xFE).length(2); // select db 2
        made.op(0xFB).length(3).length(1); // resize db
        int listAt = made.size();
        made.op(0xFD).littleEndianInt(2_000_000_000); // expiry in seconds
        made.op(1).string("list").length(2).string("a").string("b"); // linked list
        int zsetAt = made.size();
        made.op(3).string("zset").length(2).string("x").raw(253).string("y").raw(3).raw('1', '.', '5'); // text scores
        int hashAt = made.size();
        made.op(4).string("hash").length(1).string("f").string("v"); // hash as pairs
        made.op(0xF7).length(12345).length(2).length(1).length(2).length(7).length(5).string("aux").length(0);
        int moduleAt = made.size();
        made.op(7).string("module").length(99).length(3).raw(0, 0, 0, 0).length(4).raw(new byte[8]).length(0);
        int functionAt = made.size();
        made.op(0xF5).string("#!lua name=lib\n");
        made.op(0xFF).raw(new byte[8]);

        List<String> records = new ArrayList<>();
        RdbScanner scanner = new RdbScanner(new ByteArrayInputStream(made.bytes()), 64, false, null);
        while (scanner.next()) {
            records.add(scanner.kind() + " " + scanner.db() + " " + (scanner.key() == null ? "-"
                    : new String(scanner.key(), StandardCharsets.UTF_8)) + " " + scanner.valueType() + " "
                    + scanner.expireAtMs() + " " + scanner.start());
        }
        assertEquals(List.of("KEY 2 list 1 2000000000000 " + listAt, "KEY 2 zset 3 -1 " + zsetAt,
                "KEY 2 hash 4 -1 " + hashAt, "KEY 2 module 7 -1 " + moduleAt, "FUNCTION 2 - -1 -1 " + functionAt),
                records);
        assertEquals(9, scanner.rdbVersion());
    }

    @Test
    void aCutOrDamagedRdbIsAnIoErrorNeverAWrongRecordOrACrash() throws IOException {
        for (int cut = 0; cut < rdb.length - 8; cut += 97) {
            byte[] shortened = Arrays.copyOf(rdb, cut);
            assertThrows(IOException.class, () -> scanAll(shortened), "cut at " + cut);
        }
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            byte[] damaged = rdb.clone();
            damaged[9 + random.nextInt(damaged.length - 17)] ^= (byte) (1 << random.nextInt(8));
            try {
                scanAll(damaged);
            } catch (IOException expected) {
                // refused: the other outcome is a record whose bytes differ, which the CRCs catch
            }
        }
        assertThrows(DamagedBackupException.class, () -> scanAll("NOTAN RDB FILE".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(DamagedBackupException.class, () -> scanAll(new Rdb(13).op(0xFF).raw(new byte[8]).bytes()));
        assertThrows(DamagedBackupException.class, () -> scanAll(new Rdb(9).op(8).string("k").bytes()));
        assertThrows(DamagedBackupException.class,
                () -> scanAll(new Rdb(9).op(0).raw(0xC3).length(2).length(1_000).raw(1, 2).bytes()));
        assertThrows(DamagedBackupException.class, () -> scanAll(new Rdb(9).op(6).string("k").length(1).bytes()));
    }

    private static List<String> records(int bufferSize, boolean capture) throws IOException {
        List<String> records = new ArrayList<>();
        RdbScanner scanner = new RdbScanner(new ByteArrayInputStream(rdb), bufferSize, capture, null);
        while (scanner.next()) {
            records.add(scanner.kind() + " " + scanner.db() + " "
                    + (scanner.kind() == RdbScanner.Kind.KEY ? new String(scanner.key(), StandardCharsets.UTF_8) : "")
                    + " " + scanner.valueType() + " " + scanner.expireAtMs() + " " + scanner.start() + " "
                    + scanner.end() + " " + scanner.crc32c());
        }
        return records;
    }

    private static void scanAll(byte[] bytes) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        RdbScanner scanner = new RdbScanner(in, 128, false, (b, o, l) -> { });
        while (scanner.next()) {
            // every record
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static long littleEndianLong(byte[] bytes, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | bytes[at + i] & 0xff;
        }
        return value;
    }

    /** An RDB written by hand. */
    private static final class Rdb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Rdb(int version) {
            out.writeBytes(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
        }

        Rdb op(int opcode) {
            out.write(opcode);
            return this;
        }

        Rdb raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Rdb raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Rdb length(long length) {
            if (length < 64) {
                out.write((int) length);
            } else if (length < 16384) {
                out.write(0x40 | (int) (length >>> 8));
                out.write((int) length);
            } else {
                out.write(0x80);
                for (int shift = 24; shift >= 0; shift -= 8) {
                    out.write((int) (length >>> shift));
                }
            }
            return this;
        }

        Rdb string(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            length(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Rdb littleEndianInt(int value) {
            for (int shift = 0; shift < 32; shift += 8) {
                out.write(value >>> shift);
            }
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
