package io.redisbackup.backupstore.keyindex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
