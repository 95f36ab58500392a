package io.redisbackup.restoreworker.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Calls made side by side: results in the calls' order, the first failure in that order, what succeeded beside it. */
class SideBySideTest {

    @Test
    void resultsComeInTheCallsOrderWhateverOrderTheyEndIn() {
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        SideBySide.Outcome<String> outcome = SideBySide.all(List.of(() -> {
            firstMayEnd.await(10, TimeUnit.SECONDS);
            return "first";
        }, () -> {
            firstMayEnd.countDown(); // the second ends first
            return "second";
        }));
        assertNull(outcome.failure());
        assertEquals(List.of("first", "second"), outcome.done());
    }

    @Test
    void theFirstFailureInOrderIsReportedAndWhatSucceededIsHandedBack() {
        IOException early = new IOException("early");
        IllegalStateException late = new IllegalStateException("late");
        SideBySide.Outcome<String> outcome = SideBySide.all(List.<Callable<String>>of(() -> "opened", () -> {
            throw early;
        }, () -> {
            throw late;
        }));
        assertSame(early, outcome.failure());
        assertEquals(List.of("opened"), outcome.done());
    }

    @Test
    void oneCallRunsOnTheCallersThreadAndMayGiveNull() {
        Thread caller = Thread.currentThread();
        SideBySide.Outcome<Thread> outcome = SideBySide.all(List.of(Thread::currentThread));
        assertEquals(List.of(caller), outcome.done());
        SideBySide.Outcome<Void> nothing = SideBySide.all(List.of(() -> null));
        assertNull(nothing.failure());
        assertEquals(Arrays.asList((Void) null), nothing.done());
    }
}
