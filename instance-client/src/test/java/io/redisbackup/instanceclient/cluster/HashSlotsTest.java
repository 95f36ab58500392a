package io.redisbackup.instanceclient.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisCluster;

/** The hash slot of a key, as Redis Cluster computes it. */
class HashSlotsTest {

    static int slot(String key) {
        return HashSlots.of(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void isCrc16XmodemOfTheKeyModulo16384() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, HashSlots.crc16(check, 0, check.length)); // the check value of CRC-16/XMODEM
        assertEquals(12182, slot("foo")); // Redis's documentation
        assertEquals(0, slot(""));
    }

    @Test
    void hashesOnlyAHashTagWhenThereIsOne() {
        assertEquals(slot("user1000"), slot("{user1000}.following"));
        assertEquals(slot("{user1000}.following"), slot("{user1000}.followers"));
        assertEquals(slot("bar"), slot("foo{bar}{zap}")); // the first tag only
        assertEquals(slot("{bar"), slot("foo{{bar}}zap")); // from the first '{' to the first '}' after it
        assertEquals(slot("foo{}{bar}"), HashSlots.crc16("foo{}{bar}".getBytes(), 0, 10) & 16383); // empty: whole key
        assertEquals(slot("foo{bar"), HashSlots.crc16("foo{bar".getBytes(), 0, 7) & 16383); // unclosed: whole key
    }

    @Test
    void agreesWithARealClusterOnRandomBinaryKeys() {
        try (RedisCluster cluster = RedisCluster.start(3, 0)) {
            Random random = new Random(19);
            for (int i = 0; i < 2000; i++) {
                byte[] key = new byte[random.nextInt(24)];
                random.nextBytes(key);
                if (random.nextInt(4) == 0 && key.length > 4) { // some with braces, to hit hash tags
                    key[random.nextInt(key.length)] = '{';
                    key[random.nextInt(key.length)] = '}';
                }
                assertEquals((long) HashSlots.of(key), cluster.nodes().get(0).call("CLUSTER", "KEYSLOT", key),
                        "key #" + i);
            }
        }
    }
}
