package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SparesTest {

    private final Spares<byte[]> spares = new Spares<>(buffer -> buffer.length);

    private byte[] take(int bytes) {
        return spares.take(bytes, size -> new byte[(int) size]);
    }

    @Test
    void aBufferGivenBackIsTakenAgain() {
        byte[] first = take(100);
        spares.giveBack(first);
        assertSame(first, take(100));
        assertEquals(0, spares.spareBytes());
    }

    @Test
    void keepsAsManyAsWereInUseAtOnceAndNoMore() {
        byte[] a = take(100);
        byte[] b = take(100);
        byte[] c = take(100);
        spares.giveBack(a);
        spares.giveBack(b);
        spares.giveBack(c);
        assertEquals(300, spares.spareBytes(), "three were in use at once: three are kept");
        byte[] again = take(100);
        assertSame(a, again, "the one kept longest");
        spares.giveBack(again);
        assertEquals(300, spares.spareBytes());
    }

    @Test
    void takesTheSmallestThatFitsAndNoneTwiceTooLarge() {
        byte[] large = take(400);
        byte[] medium = take(150);
        spares.giveBack(large);
        spares.giveBack(medium);
        assertSame(medium, take(100), "150 fits 100 best");
        byte[] fresh = take(100);
        assertNotSame(large, fresh, "400 would waste more than it holds");
        assertEquals(100, fresh.length);
    }

    @Test
    void theLongestKeptMakeRoomForOthersOfAnotherSize() {
        byte[] large = take(300);
        spares.giveBack(large);
        byte[] small = take(100); // 300 does not fit it: a new one
        spares.giveBack(small);
        assertEquals(100, spares.spareBytes(), "at most 300 were in use at once: the 300 made room for the 100");
        assertSame(small, take(100));
    }
}
