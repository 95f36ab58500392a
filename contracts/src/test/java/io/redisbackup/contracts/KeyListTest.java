package io.redisbackup.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class KeyListTest {

    @Test
    void splitsOnSemicolons() {
        assertEquals(List.of("user:1", "user:2", "cart:9"), texts(KeyList.parse("user:1;user:2;cart:9")));
    }

    @Test
    void keepsEscapedSemicolonsBackslashesAndSpacesInKeys() {
        assertEquals(List.of("a;b", "c\\d", " spaced key "), texts(KeyList.parse("a\\;b;c\\\\d; spaced key ")));
    }

    @Test
    void namesAnyByteWithHexEscapes() {
        List<byte[]> keys = KeyList.parse("bin\\x00\\xff\\xFE;caf\u00e9");
        assertArrayEquals(new byte[] { 'b', 'i', 'n', 0, (byte) 0xff, (byte) 0xfe }, keys.get(0));
        assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), keys.get(1));
    }

    @Test
    void leavesOutBlanksAndRepeatsKeepingTheFirstOrder() {
        assertEquals(List.of("b", "a"), texts(KeyList.parse(";b;;a; ;b;a;")));
        assertEquals(List.of("x", "y"), texts(KeyList.of(Arrays.asList("x", "", "y", "x", null, "  "))));
        assertEquals(List.of(), texts(KeyList.parse(" ; ;")));
    }

    @Test
    void refusesALoneBackslashOrAnUnknownEscape() {
        assertThrows(IllegalArgumentException.class, () -> KeyList.parse("a\\"));
        assertThrows(IllegalArgumentException.class, () -> KeyList.parse("a\\n"));
        assertThrows(IllegalArgumentException.class, () -> KeyList.parse("a\\x4"));
        assertThrows(IllegalArgumentException.class, () -> KeyList.parse("a\\xZZ"));
    }

    @Test
    void takesExactBytesFromBase64() {
        List<byte[]> keys = KeyList.ofBase64(Arrays.asList("AP8=", "", "ICA=", "AP8=", null));
        assertEquals(2, keys.size());
        assertArrayEquals(new byte[] { 0, (byte) 0xff }, keys.get(0));
        assertArrayEquals("  ".getBytes(), keys.get(1));
        assertThrows(IllegalArgumentException.class, () -> KeyList.ofBase64(List.of("not base64!")));
    }

    @Test
    void writesKeysSoThatTheyAreReadBackTheSame() {
        assertEquals("user:1", KeyList.format("user:1".getBytes()));
        assertEquals("a\\;b c\\\\d", KeyList.format("a;b c\\d".getBytes()));
        assertEquals("caf\u00e9", KeyList.format("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
        assertEquals("bin\\x00\\xff\\xfe", KeyList.format(new byte[] { 'b', 'i', 'n', 0, (byte) 0xff, (byte) 0xfe }));
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] key = new byte[1 + random.nextInt(20)];
            random.nextBytes(key);
            if (new String(key, StandardCharsets.ISO_8859_1).isBlank()) {
                continue;
            }
            List<byte[]> back = KeyList.parse(KeyList.format(key));
            assertEquals(1, back.size(), KeyList.format(key));
            assertArrayEquals(key, back.get(0), KeyList.format(key));
        }
    }

    private static List<String> texts(List<byte[]> keys) {
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }
}
