package io.redisbackup.backupstore.keyindex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redisbackup.testsupport.RedisServer;

/** Our glob matcher selects exactly the keys a real Redis's {@code KEYS} (the matcher of {@code SCAN MATCH}) does. */
class KeyPatternTest {

    /** Bytes that patterns treat specially, and bytes above 0x7f (signed in Redis's C). */
    private static final byte[] ALPHABET = { 'a', 'b', 'c', ':', '*', '?', '[', ']', '^', '-', '\\', (byte) 0x80,
            (byte) 0xe9, (byte) 0xff, '0', '9' };

    private static RedisServer redis;
    private static final List<byte[]> KEYS = new ArrayList<>();

    @BeforeAll
    static void loadKeys() {
        redis = RedisServer.start();
        Random random = new Random(11);
        Set<String> seen = new TreeSet<>();
        for (String fixed : new String[] { "user:1", "user:2", "user:10", "cart:7", "cart:x", "a*b", "a[b", "a\\b",
                "", "^", "-", "[", "]" }) {
            add(fixed.getBytes(StandardCharsets.UTF_8), seen);
        }
        while (KEYS.size() < 400) {
            add(random(random, 7), seen);
        }
    }

    private static void add(byte[] key, Set<String> seen) {
        if (seen.add(HexFormat.of().formatHex(key))) {
            KEYS.add(key);
            redis.call("SET", key, "v");
        }
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void handWrittenPatternsSelectWhatRedisSelects() {
        for (String pattern : new String[] { "*", "user:*", "user:?", "user:1*", "cart:[0-9]*", "cart:[^0-9]",
                "cart:[9-0]", "a\\*b", "a[\\[]b", "a\\\\b", "a[", "[", "[^", "\\", "[]]", "[a-]", "[-a]", "*[",
                "a**b", "?*?", "**", "[\\]", "*\\", "user:[12]", "[^a-c]*", "*:*" }) {
            assertSameAsRedis(pattern.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomPatternsOverBinaryKeysSelectWhatRedisSelects() {
        Random random = new Random(5);
        for (int i = 0; i < 1500; i++) {
            assertSameAsRedis(random(random, 8));
        }
    }

    @Test
    void thePrefixIsWhatEveryMatchStartsWith() {
        assertArrayEquals("user:".getBytes(), KeyPattern.of("user:*".getBytes()).prefix());
        assertArrayEquals("a*b".getBytes(), KeyPattern.of("a\\*b".getBytes()).prefix());
        assertArrayEquals("ca".getBytes(), KeyPattern.of("ca[rt]*".getBytes()).prefix());
        assertArrayEquals(new byte[0], KeyPattern.of("?x".getBytes()).prefix());
        assertTrue(KeyPattern.of("a\\*b".getBytes()).isLiteral());
        assertFalse(KeyPattern.of("a*b".getBytes()).isLiteral());
        Random random = new Random(9);
        for (int i = 0; i < 2000; i++) {
            KeyPattern pattern = KeyPattern.of(random(random, 6));
            byte[] prefix = pattern.prefix();
            for (byte[] key : KEYS) {
                if (pattern.matches(key)) {
                    assertTrue(key.length >= prefix.length
                            && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length), pattern
                            + " matched a key that does not start with its prefix");
                }
            }
        }
    }

    private static void assertSameAsRedis(byte[] pattern) {
        Set<String> expected = new TreeSet<>();
        for (Object key : (List<?>) redis.call("KEYS", pattern)) {
            expected.add(HexFormat.of().formatHex((byte[]) key));
        }
        Set<String> ours = new TreeSet<>();
        KeyPattern compiled = KeyPattern.of(pattern);
        for (byte[] key : KEYS) {
            if (compiled.matches(key)) {
                ours.add(HexFormat.of().formatHex(key));
            }
        }
        assertEquals(expected, ours, () -> "pattern " + HexFormat.of().formatHex(pattern));
    }

    private static byte[] random(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return bytes;
    }
}
