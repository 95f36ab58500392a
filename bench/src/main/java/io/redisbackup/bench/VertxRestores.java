package io.redisbackup.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The full recovery's RESTORE commands written through the Vert.x Redis client that quarkus-redis-client runs on,
 * pipelined as far as it allows (a bounded number of commands unanswered, as our pipe keeps): the comparison that
 * keeps the bulk RESTORE stream on a socket of our own ({@code RespPipe}) while command traffic uses the client.
 */
final class VertxRestores {

    private static final int IN_FLIGHT = 2000;

    private VertxRestores() {
    }

    /** Sends every command of {@code restores} (RESP, as redis-cli --pipe reads it) to {@code target}; ms taken. */
    static double timed(Path restores, RedisProcess target) throws Exception {
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, new RedisOptions()
                .setConnectionString("redis://:" + target.password + "@127.0.0.1:" + target.port)
                .setMaxPoolSize(1).setMaxWaitingHandlers(IN_FLIGHT * 2));
        try {
            RedisConnection connection = client.connect().toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            Semaphore room = new Semaphore(IN_FLIGHT);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long start = System.nanoTime();
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(restores),
                    1 << 16))) {
                for (Request request = next(in); request != null; request = next(in)) {
                    room.acquire();
                    connection.send(request).onComplete(done -> {
                        if (done.failed()) {
                            failure.compareAndSet(null, done.cause());
                        }
                        room.release();
                    });
                }
            }
            room.acquire(IN_FLIGHT);
            double ms = (System.nanoTime() - start) / 1e6;
            if (failure.get() != null) {
                throw new IllegalStateException("a RESTORE through the Vert.x client failed", failure.get());
            }
            connection.close();
            return ms;
        } finally {
            client.close();
            vertx.close();
        }
    }

    /** The next command of the file as a request, null at its end. */
    private static Request next(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        if (first != '*') {
            throw new IOException("not a RESP array");
        }
        int args = Integer.parseInt(line(in));
        byte[] name = bulk(in);
        Request request = Request.cmd(Command.create(new String(name)));
        for (int i = 1; i < args; i++) {
            request.arg(Buffer.buffer(bulk(in)));
        }
        return request;
    }

    private static byte[] bulk(DataInputStream in) throws IOException {
        if (in.read() != '$') {
            throw new IOException("not a RESP bulk string");
        }
        byte[] bytes = new byte[Integer.parseInt(line(in))];
        in.readFully(bytes);
        if (in.read() != '\r' || in.read() != '\n') {
            throw new IOException("a bulk string without CRLF");
        }
        return bytes;
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new EOFException();
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }
}
