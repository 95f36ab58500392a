package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

import io.redisbackup.instanceclient.InstanceEndpoint;

/**
 * One {@link RespPipe} to each server of a recovery's target ({@link KeyRouting}), all written by one thread: each
 * key's commands go down the pipe of the server that holds its slot. The bytes written to all of them together go
 * to one meter.
 */
public final class TargetPipes implements AutoCloseable {

    /** What is asked of each server on its connection, logged in, before anything is written to it. */
    @FunctionalInterface
    public interface ServerCheck {
        ServerCheck NONE = (server, socket) -> {
        };

        /** Fails with the reason the server cannot be written to; reads every reply to what it asks. */
        void check(InstanceEndpoint server, Socket socket) throws RecoveryFailure;
    }

    private final KeyRouting routing;
    private final List<RespPipe> pipes;
    private final long[] written;

    private TargetPipes(KeyRouting routing, List<RespPipe> pipes) {
        this.routing = routing;
        this.pipes = pipes;
        this.written = new long[pipes.size()];
    }

    static TargetPipes open(KeyRouting routing, Duration timeout, RespPipe.Refusals onRefusal)
            throws RecoveryFailure {
        return open(routing, timeout, onRefusal, ServerCheck.NONE);
    }

    /**
     * The pipes of a keys recovery ({@link KeysLoader#restore(KeysLoader.Plan, List, TargetPipes, LongConsumer)}),
     * which keeps each refusal with its key: opened, and each server checked, while the recovery reads the backup.
     */
    public static TargetPipes forKeys(KeyRouting routing, Duration timeout, ServerCheck check)
            throws RecoveryFailure {
        return open(routing, timeout, RespPipe.Refusals.RECORD, check);
    }

    /**
     * Connects to every server, a cluster's side by side (each is a connection and a login, then {@code check});
     * none is left open when one cannot be reached or fails its check.
     */
    static TargetPipes open(KeyRouting routing, Duration timeout, RespPipe.Refusals onRefusal, ServerCheck check)
            throws RecoveryFailure {
        SideBySide.Outcome<RespPipe> opened = SideBySide.all(routing.servers().stream()
                .<Callable<RespPipe>>map(server -> () -> RespPipe.open(server, timeout, onRefusal, check)).toList());
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

    /** The servers the pipes go to, and which of them each key goes to. */
    public KeyRouting routing() {
        return routing;
    }

    @Override
    public void close() {
        pipes.forEach(RespPipe::close);
    }
}
