package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class OpenedFilesTest {

    private final OpenedFiles<byte[]> kept = new OpenedFiles<>(100, value -> value.length);

    @Test
    void dropsTheLeastRecentlyUsedToStayWithinItsBudget() {
        OpenedFiles.FileOf a = file("a");
        OpenedFiles.FileOf b = file("b");
        OpenedFiles.FileOf c = file("c");
        kept.put(a, new byte[40]);
        kept.put(b, new byte[40]);
        assertEquals(40, kept.get(a).length); // a is now the more recently used
        kept.put(c, new byte[40]);

        assertNull(kept.get(b), "the least recently used went");
        assertEquals(40, kept.get(a).length);
        assertEquals(40, kept.get(c).length);
        assertEquals(80, kept.used());
    }

    @Test
    void keepsNothingLargerThanItsBudgetAndCountsAReplacementOnce() {
        OpenedFiles.FileOf a = file("a");
        kept.put(a, new byte[101]);
        assertNull(kept.get(a));
        kept.put(a, new byte[30]);
        kept.put(a, new byte[50]);
        assertEquals(50, kept.used());
    }

    @Test
    void anotherSizeIsAnotherFile() {
        UUID backup = UUID.randomUUID();
        kept.put(new OpenedFiles.FileOf(backup, "dump.rdb", 10), new byte[1]);
        assertNull(kept.get(new OpenedFiles.FileOf(backup, "dump.rdb", 11)));
        assertNull(kept.get(new OpenedFiles.FileOf(backup, "keys.idx", 10)));
    }

    private static OpenedFiles.FileOf file(String name) {
        return new OpenedFiles.FileOf(UUID.randomUUID(), name, 1);
    }
}
