package io.redisbackup.restoreworker.recovery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Calls that each wait on a server or the store (a connection, a few requests), made side by side on virtual
 * threads rather than one after the other: a cluster's masters, a cluster backup's shards.
 */
public final class SideBySide {

    private SideBySide() {
    }

    /**
     * What the calls gave: {@code done}, the results of those that succeeded, in the calls' order (all of them when
     * {@code failure} is null); {@code failure}, the first call's failure in that order, or null.
     */
    public record Outcome<T>(List<T> done, Throwable failure) {
    }

    /** Makes every call at once and waits until each has ended. */
    public static <T> Outcome<T> all(List<Callable<T>> calls) {
        if (calls.size() == 1) {
            try {
                return new Outcome<>(Collections.singletonList(calls.get(0).call()), null); // null for Void
            } catch (Exception e) {
                return new Outcome<>(List.of(), e);
            }
        }
        List<Future<T>> running = new ArrayList<>();
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            calls.forEach(call -> running.add(each.submit(call)));
        } // waits for every one
        List<T> done = new ArrayList<>();
        Throwable failure = null;
        for (Future<T> call : running) {
            switch (call.state()) {
                case SUCCESS -> done.add(call.resultNow());
                case FAILED -> failure = failure != null ? failure : call.exceptionNow();
                default -> failure = failure != null ? failure : new InterruptedException("interrupted");
            }
        }
        return new Outcome<>(done, failure);
    }
}
