package io.redisbackup.backupstore.keyindex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisbackup.testsupport.Datasets;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.RespConnection;

/** The index of an RDB a real server wrote, and the DUMP payloads built from it, against the server's own DUMP. */
class RdbEntriesTest {

    @TempDir
    Path dir;

    @Test
    void everyKeysPayloadIsWhatDumpGivesAndRestoresTheSameValue() throws IOException {
        // LFU: every entry carries an eviction prefix too
        try (RedisServer source = RedisServer.start("--maxmemory-policy", "allkeys-lfu");
                RedisServer target = RedisServer.start()) {
            Datasets.everyType(source);
            source.call("SET", "k".repeat(300), "a long key the server compresses");
            source.call("SET", "-7", "a negative integer key");
            source.call("SELECT", "3");
            source.call("SET", "string:int", "the same name, in database 3");
            Path index = index(source.saveRdb(dir.resolve("dump.rdb")));

            int checked = 0;
            try (KeyIndexReader reader = KeyIndexReader.open(index);
                    SeekableByteChannel rdb = Files.newByteChannel(dir.resolve("dump.rdb"))) {
                assertEquals(Long.parseLong(keyCount(source)), reader.entries());
                for (int db : List.of(0, 1, 3, 5)) {
                    source.call("SELECT", Integer.toString(db));
                    target.call("SELECT", Integer.toString(db));
                    for (byte[] key : keys(source)) {
                        List<IndexEntry> entries = reader.find(key).stream().filter(e -> e.db() == db).toList();
                        assertEquals(1, entries.size(), new String(key));
                        byte[] payload = RdbEntries.dumpPayload(RdbEntries.read(rdb, entries.get(0)), reader.rdbVersion());
                        assertArrayEquals((byte[]) source.call("DUMP", key), payload, new String(key));
                        long expireAt = entries.get(0).expireAtMs();
                        if (expireAt >= 0) {
                            target.call("RESTORE", key, Long.toString(expireAt), payload, "REPLACE", "ABSTTL");
                        } else {
                            target.call("RESTORE", key, "0", payload, "REPLACE");
                        }
                        assertEquals(source.callString("DEBUG", "DIGEST-VALUE", key),
                                target.callString("DEBUG", "DIGEST-VALUE", key), new String(key));
                        checked++;
                    }
                }
            }
            assertEquals(Long.parseLong(keyCount(source)), checked);
        }
    }

    @Test
    void aKeyTooLargeToHoldIsCheckedAndWrittenPieceByPieceAsDumpGivesIt() throws IOException {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            Datasets.everyType(source);
            Datasets.largeKeys(source, 2, RdbEntries.HELD_AT_MOST + 4096);
            Path rdbFile = source.saveRdb(dir.resolve("dump.rdb"));
            int large = 0;
            // the whole file as a recovery reads it: each record held but those larger than it holds
            try (InputStream in = Files.newInputStream(rdbFile)) {
                RdbScanner records = new RdbScanner(in, 1 << 16, RdbEntries.HELD_AT_MOST, null);
                while (records.next()) {
                    if (records.kind() == RdbScanner.Kind.KEY) {
                        assertEquals(records.recordLength() <= RdbEntries.HELD_AT_MOST, records.recordHeld());
                        large += records.recordHeld() ? 0 : 1;
                    }
                }
            }
            assertEquals(Datasets.LARGE_KEYS.size(), large);

            Path index = index(rdbFile);
            try (KeyIndexReader reader = KeyIndexReader.open(index);
                    SeekableByteChannel rdb = Files.newByteChannel(rdbFile)) {
                source.call("SELECT", "2");
                target.call("SELECT", "2");
                for (String name : Datasets.LARGE_KEYS) {
                    IndexEntry entry = reader.find(name.getBytes()).get(0);
                    assertTrue(RdbEntries.isLarge(entry), name);
                    RdbEntries.Large checked = RdbEntries.check(rdb, entry, reader.rdbVersion());
                    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
                    assertTrue(RdbEntries.writePayload(rdb, checked, reader.rdbVersion(), payload));
                    assertEquals(checked.payloadLength(), payload.size(), name);
                    assertArrayEquals((byte[]) source.call("DUMP", name), payload.toByteArray(), name);
                }
                // a small key's entry, checked the same way, gives the same as when it is held
                IndexEntry small = reader.find("hash:small".getBytes()).get(0);
                java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
                RdbEntries.writePayload(rdb, RdbEntries.check(rdb, small, reader.rdbVersion()), reader.rdbVersion(),
                        payload);
                assertArrayEquals(RdbEntries.dumpPayload(RdbEntries.read(rdb, small), reader.rdbVersion()),
                        payload.toByteArray());
            }

            // a byte flipped in a large entry: refused when checked; and when it changes after the check, the
            // payload written carries a wrong checksum, which the server refuses
            IndexEntry victim;
            int version;
            try (KeyIndexReader reader = KeyIndexReader.open(index)) {
                victim = reader.find("large:hash".getBytes()).get(0);
                version = reader.rdbVersion();
            }
            RdbEntries.Large checked;
            try (SeekableByteChannel rdb = Files.newByteChannel(rdbFile)) {
                checked = RdbEntries.check(rdb, victim, version);
            }
            try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(rdbFile,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                long at = victim.start() + victim.length() / 2;
                file.read(one, at);
                one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
                file.write(one, at);
            }
            try (SeekableByteChannel rdb = Files.newByteChannel(rdbFile)) {
                assertThrows(DamagedBackupException.class, () -> RdbEntries.check(rdb, victim, version));
                java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
                assertFalse(RdbEntries.writePayload(rdb, checked, version, payload));
                RespConnection.RedisErrorReply refused = assertThrows(RespConnection.RedisErrorReply.class,
                        () -> target.call("RESTORE", "large:hash", "0", payload.toByteArray(), "REPLACE"));
                assertTrue(refused.getMessage().contains("checksum"), refused.getMessage());
                assertEquals(0L, target.call("EXISTS", "large:hash"));
            }
        }
    }

    @Test
    void aFlippedByteInAKeysEntryIsCaughtBeforeItIsUsed() throws IOException {
        try (RedisServer source = RedisServer.start()) {
            source.call("SET", "victim", "x".repeat(100));
            source.call("SET", "bystander", "y".repeat(100));
            Path rdbFile = source.saveRdb(dir.resolve("dump.rdb"));
            Path index = index(rdbFile);
            try (KeyIndexReader reader = KeyIndexReader.open(index)) {
                IndexEntry victim = reader.find("victim".getBytes()).get(0);
                byte[] bytes = Files.readAllBytes(rdbFile);
                bytes[(int) victim.start() + 20] ^= 0x01;
                Files.write(rdbFile, bytes);
                try (SeekableByteChannel rdb = Files.newByteChannel(rdbFile)) {
                    assertThrows(DamagedBackupException.class, () -> RdbEntries.read(rdb, victim));
                    byte[] bystander = RdbEntries.read(rdb, reader.find("bystander".getBytes()).get(0));
                    assertArrayEquals((byte[]) source.call("DUMP", "bystander"),
                            RdbEntries.dumpPayload(bystander, reader.rdbVersion()));
                    // an entry is one whole record: cut short, or with bytes after its value, it is damaged
                    assertThrows(DamagedBackupException.class, () -> RdbEntries.dumpPayload(
                            Arrays.copyOf(bystander, bystander.length - 3), reader.rdbVersion()));
                    assertThrows(DamagedBackupException.class, () -> RdbEntries.dumpPayload(
                            Arrays.copyOf(bystander, bystander.length + 3), reader.rdbVersion()));
                    IndexEntry pastTheEnd = new IndexEntry(0, "victim".getBytes(), bytes.length - 5, bytes.length + 5,
                            0, -1, 0);
                    assertThrows(DamagedBackupException.class, () -> RdbEntries.read(rdb, pastTheEnd));
                }
            }
        }
    }

    private Path index(Path rdb) throws IOException {
        Path index = dir.resolve("keys.idx");
        try (KeyIndexWriter writer = new KeyIndexWriter(1 << 20); InputStream in = Files.newInputStream(rdb);
                OutputStream out = Files.newOutputStream(index)) {
            writer.finish(RdbScanner.indexFile(in, writer), out);
        }
        return index;
    }

    private static String keyCount(RedisServer redis) {
        long keys = 0;
        for (String line : redis.callString("INFO", "keyspace").split("\r\n")) {
            if (line.startsWith("db")) {
                keys += Long.parseLong(line.replaceAll(".*keys=(\\d+).*", "$1"));
            }
        }
        return Long.toString(keys);
    }

    private static List<byte[]> keys(RedisServer redis) {
        List<byte[]> keys = new ArrayList<>();
        for (Object key : (List<?>) redis.call("KEYS", "*")) {
            keys.add((byte[]) key);
        }
        return keys;
    }
}
