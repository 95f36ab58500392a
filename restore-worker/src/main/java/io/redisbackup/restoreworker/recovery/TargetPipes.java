package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

/**
 * One {@link RespPipe} to each server of a recovery's target ({@link KeyRouting}), all written by one thread: each
 * key's commands go down the pipe of the server that holds its slot. The bytes written to all of them together go
 * to one meter.
 */
final class TargetPipes implements AutoCloseable {

    private final KeyRouting routing;
    private final List<RespPipe> pipes;
    private final long[] written;

    private TargetPipes(KeyRouting routing, List<RespPipe> pipes) {
        this.routing = routing;
        this.pipes = pipes;
        this.written = new long[pipes.size()];
    }

    /**
     * Connects to every server, a cluster's side by side (each is a connection and a login); none is left open when
     * one cannot be reached.
     */
    static TargetPipes open(KeyRouting routing, Duration timeout, RespPipe.Refusals onRefusal)
            throws RecoveryFailure {
        SideBySide.Outcome<RespPipe> opened = SideBySide.all(routing.servers().stream()
                .<Callable<RespPipe>>map(server -> () -> RespPipe.open(server, timeout, onRefusal)).toList());
        if (opened.failure() != null) {
            opened.done().forEach(RespPipe::close);
            throw opened.failure() instanceof RecoveryFailure failure ? failure
                    : new RecoveryFailure(RecoveryFailure.TARGET_UNREACHABLE, "Cannot connect to the target: "
                            + opened.failure(), opened.failure());
        }
        return new TargetPipes(routing, opened.done());
    }

    /** Told the bytes written to all servers so far, after each write. */
    void onWritten(LongConsumer total) {
        for (int i = 0; i < pipes.size(); i++) {
            int server = i;
            pipes.get(i).onWritten(bytes -> {
                written[server] = bytes;
                long sum = 0;
                for (long w : written) {
                    sum += w;
                }
                total.accept(sum);
            });
        }
    }

    /** The pipe to the server of the key's slot. */
    RespPipe forKey(byte[] key) {
        return pipes.get(routing.serverOf(key));
    }

    List<RespPipe> all() {
        return pipes;
    }

    /**
     * Waits for every server's replies; fails with the first error. What each pipe still buffers is sent to every
     * server first, so that their last round trips overlap rather than follow one another.
     */
    void finish() throws IOException, RecoveryFailure {
        for (RespPipe pipe : pipes) {
            pipe.flushExplained();
        }
        for (RespPipe pipe : pipes) {
            pipe.finish();
        }
    }

    /** Cuts every connection. From any thread. */
    void abort() {
        pipes.forEach(RespPipe::abort);
    }

    /** How many key writes the servers have confirmed, all together; on the writing thread. */
    long keysConfirmed() {
        return pipes.stream().mapToLong(RespPipe::keysConfirmed).sum();
    }

    @Override
    public void close() {
        pipes.forEach(RespPipe::close);
    }
}
