package io.redisbackup.taskexecution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** How many tasks a worker carries out at once when its settings do not say. */
class TaskConcurrencyTest {

    static final long MIB = 1L << 20;

    @Test
    void asManyTasksAsTheHeapHoldsBesidesTheService() {
        assertEquals(1, TaskConcurrency.forHeap(64 * MIB)); // never none
        assertEquals(1, TaskConcurrency.forHeap(180 * MIB));
        assertEquals(2, TaskConcurrency.forHeap(256 * MIB)); // ./stack's services
        assertEquals(2, TaskConcurrency.forHeap(247 * MIB)); // what the JVM reports of -Xmx256m
        assertEquals(6, TaskConcurrency.forHeap(512 * MIB));
        assertEquals(8, TaskConcurrency.forHeap(64L << 30)); // at most 8
    }

    @Test
    void answersOnlyForItsOwnSetting() {
        TaskConcurrency source = new TaskConcurrency();
        assertEquals(Integer.toString(TaskConcurrency.forHeap(Runtime.getRuntime().maxMemory())),
                source.getValue("task-execution.concurrency"));
        assertNull(source.getValue("task-execution.max-attempts"));
    }
}
