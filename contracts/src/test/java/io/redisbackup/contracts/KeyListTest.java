package io.redisbackup.apigateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.redisbackup.apigateway.service.KeyList;

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

    private static List<String> texts(List<byte[]> keys) {
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }
}
