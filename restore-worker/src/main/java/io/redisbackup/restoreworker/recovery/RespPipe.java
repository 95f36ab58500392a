package io.redisbackup.restoreworker.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import io.redisbackup.backupstore.keyindex.RdbEntries;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceSockets;

/**
 * Commands streamed to a Redis server the way {@code redis-cli --pipe} does: one thread writes, another reads the
 * replies as they come, so that the server never waits for the writer to look at its answers. It is the one way the
 * worker writes keys, for a whole instance and for chosen keys. Every reply must be {@code +...}. What an error
 * reply does depends on the {@link Refusals} the pipe was opened with: it stops the stream at once, or it is kept
 * with the number of the command it answers ({@link #refusals}), and the stream goes on (a refused command that is
 * not a key write always stops it). At most {@value #IN_FLIGHT}
 * commands are unanswered at a time, so memory stays bounded whatever the dataset. The two threads share two
 * counters (and the refusals) and nothing else: the writer waits (parks) only when too many commands are unanswered.
 */
final class RespPipe implements AutoCloseable {

    /** What an error reply does. */
    enum Refusals {
        /** It stops the stream: for a whole dataset, where any refusal fails the load. */
        STOP,
        /** It is kept, with the command it answers, and the stream goes on: for chosen keys, each its own. */
        RECORD
    }

    /** An error reply, and the number of the command it answers (from 0, in the order they were sent). */
    record Refusal(long command, String reply) {
    }

    private static final int IN_FLIGHT = 20_000;
    private static final byte[] RESTORE = bytes("RESTORE");
    private static final byte[] REPLACE = bytes("REPLACE");
    private static final byte[] ABSTTL = bytes("ABSTTL");
    private static final byte[] ZERO = bytes("0");
    private static final byte[] SELECT = bytes("SELECT");
    private static final byte[] FUNCTION = bytes("FUNCTION");
    private static final byte[] FLUSHALL = bytes("FLUSHALL");
    private static final int BUFFER = 1 << 16;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final Thread reader;
    private final byte[] buffer = new byte[BUFFER];
    private int buffered;
    /** The replies read ahead, and how far the reader has looked at them: the reader thread's own. */
    private final byte[] replies = new byte[BUFFER];
    private int repliesAt;
    private int repliesEnd;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private volatile Thread waiting;
    private volatile String error;
    private long written;
    private LongConsumer onWritten = bytes -> { };
    /**
     * The commands, by number, that were not key writes (SELECT, FUNCTION RESTORE, FLUSHALL): to count keys
     * confirmed, and because their refusal always stops the stream. Such a command is answered before anything
     * follows it: after a refused SELECT the keys sent behind it would have gone to the wrong database.
     */
    private final Set<Long> otherCommands = ConcurrentHashMap.newKeySet();
    private final Refusals onRefusal;
    private final Queue<Refusal> refused = new ConcurrentLinkedQueue<>();

    private RespPipe(Socket socket, Refusals onRefusal) throws IOException {
        this.socket = socket;
        this.onRefusal = onRefusal;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.reader = new Thread(this::readReplies, "resp-pipe-replies");
        this.reader.setDaemon(true);
    }

    /**
     * Connects and logs in, asks the server what {@code check} asks on the connection, then reads the replies from
     * there on.
     */
    static RespPipe open(InstanceEndpoint target, Duration timeout, Refusals onRefusal, TargetPipes.ServerCheck check)
            throws RecoveryFailure {
        Socket socket;
        try {
            socket = InstanceSockets.open(target, timeout, 0);
        } catch (InstanceFailure e) {
            throw RecoveryFailure.of(e);
        }
        try {
            check.check(target, socket);
        } catch (RecoveryFailure | RuntimeException e) {
            InstanceSockets.closeQuietly(socket);
            throw e;
        }
        try {
            RespPipe pipe = new RespPipe(socket, onRefusal);
            pipe.reader.start();
            return pipe;
        } catch (IOException e) {
            InstanceSockets.closeQuietly(socket);
            throw new RecoveryFailure(RecoveryFailure.TARGET_UNREACHABLE, "Cannot connect to " + target + ".", e);
        }
    }

    /** Told the bytes written to the instance so far, after each write. */
    void onWritten(LongConsumer consumer) {
        this.onWritten = consumer;
    }

    /** Cuts the connection: a write or read blocked on it fails at once. From any thread. */
    void abort() {
        InstanceSockets.closeQuietly(socket);
    }

    /**
     * {@code RESTORE key ttl payload REPLACE}, with the key's absolute expiry ({@code ABSTTL}) when it has one: a
     * key write; its number, which a {@link Refusal} names.
     */
    long restore(byte[] key, long expireAtMs, byte[] payload) throws IOException, RecoveryFailure {
        return expireAtMs >= 0 ? send(false, RESTORE, key, bytes(Long.toString(expireAtMs)), payload, REPLACE, ABSTTL)
                : send(false, RESTORE, key, ZERO, payload, REPLACE);
    }

    /**
     * {@code RESTORE} of an entry too large to hold ({@link RdbEntries.Large}), its payload read from the backup as it
     * goes out; the command's number. The entry's bytes are checked against the checksum they had when they were
     * first read: {@link DamagedBackupException} if they changed (the payload went out with a checksum made wrong on
     * purpose, and the server refuses it).
     */
    long restore(RdbEntries.Large large, SeekableByteChannel rdb, int rdbVersion) throws IOException, RecoveryFailure {
        boolean[] intact = new boolean[1];
        long number = restore(large.entry().key(), large.entry().expireAtMs(), large.payloadLength(),
                out -> intact[0] = RdbEntries.writePayload(rdb, large, rdbVersion, out));
        if (!intact[0]) {
            throw new DamagedBackupException("A key's data in the backup changed between two reads of it");
        }
        return number;
    }

    /** Writes a payload too large to hold, piece by piece, exactly as many bytes as announced. */
    @FunctionalInterface
    interface Payload {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * {@link #restore(byte[], long, byte[])} of a payload of {@code length} bytes that {@code payload} writes as it
     * reads it (a key too large to hold): the command goes out in pieces, never whole in memory.
     */
    long restore(byte[] key, long expireAtMs, int length, Payload payload) throws IOException, RecoveryFailure {
        long number = awaitRoom(false);
        boolean absolute = expireAtMs >= 0;
        try {
            header('*', absolute ? 6 : 5);
            arg(RESTORE);
            arg(key);
            arg(absolute ? bytes(Long.toString(expireAtMs)) : ZERO);
            header('$', length);
            long before = written + buffered;
            try {
                payload.writeTo(new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int count) throws IOException {
                        put(bytes, offset, count);
                    }
                });
                if (written + buffered - before != length) {
                    throw new IOException("A payload of " + (written + buffered - before) + " bytes where " + length
                            + " were announced");
                }
            } catch (IOException | RuntimeException e) {
                abort(); // a command cut in its middle: nothing may follow it on this connection
                throw e;
            }
            crlf();
            arg(REPLACE);
            if (absolute) {
                arg(ABSTTL);
            }
        } catch (IOException e) {
            throw explained(e);
        }
        sent.lazySet(number + 1);
        return number;
    }

    /** {@code FUNCTION RESTORE payload REPLACE}. */
    void restoreFunctions(byte[] payload) throws IOException, RecoveryFailure {
        send(true, FUNCTION, RESTORE, payload, REPLACE);
    }

    void select(int db) throws IOException, RecoveryFailure {
        send(true, SELECT, bytes(Integer.toString(db)));
    }

    void flushAll() throws IOException, RecoveryFailure {
        send(true, FLUSHALL);
    }

    private long send(boolean other, byte[]... args) throws IOException, RecoveryFailure {
        long number = awaitRoom(other);
        try {
            write(args);
        } catch (IOException e) {
            throw explained(e);
        }
        sent.lazySet(number + 1);
        if (other) {
            awaitAnswers();
        }
        return number;
    }

    /** Waits while too many commands are unanswered; the number the next command will have. */
    private long awaitRoom(boolean other) throws IOException, RecoveryFailure {
        failIfRefused();
        long number = sent.get();
        if (number - answered.get() >= IN_FLIGHT) {
            flushExplained();
            while (number - answered.get() >= IN_FLIGHT / 2 && error == null) {
                park(() -> number - answered.get() >= IN_FLIGHT / 2 && error == null);
            }
            failIfRefused();
        }
        if (other) {
            otherCommands.add(number); // before it is sent: the reader looks here when it is refused
        }
        return number;
    }

    /** Waits for every reply; fails with the first error. */
    void finish() throws IOException, RecoveryFailure {
        awaitAnswers();
        if (answered.get() < sent.get()) {
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "The instance stopped answering");
        }
    }

    /** Waits until every command sent is answered; fails if the stream stopped. */
    private void awaitAnswers() throws IOException, RecoveryFailure {
        flushExplained();
        while (answered.get() < sent.get() && error == null && reader.isAlive()) {
            park(() -> answered.get() < sent.get() && error == null && reader.isAlive());
        }
        failIfRefused();
    }

    /** How many key writes the server has confirmed; on the writing thread. */
    long keysConfirmed() {
        long confirmed = answered.get();
        return confirmed - otherCommands.stream().filter(n -> n < confirmed).count() - refused.size();
    }

    /** How many commands have been answered, refusals included. */
    long answered() {
        return answered.get();
    }

    /** The error replies so far, in order, when the pipe records them ({@link Refusals#RECORD}). */
    List<Refusal> refusals() {
        return List.copyOf(refused);
    }

    private void failIfRefused() throws RecoveryFailure {
        if (error != null) {
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, error);
        }
    }

    /**
     * Parks for at most 10 ms while {@code still} holds, asked again once the reader can see that this thread waits:
     * an answer that came between the caller's look and this one's parking would not unpark it, and it would sleep
     * the whole 10 ms (with three servers, each in turn).
     */
    private void park(BooleanSupplier still) throws RecoveryFailure {
        waiting = Thread.currentThread();
        if (still.getAsBoolean()) {
            LockSupport.parkNanos(this, 10_000_000);
        }
        waiting = null;
        if (Thread.interrupted()) {
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "Interrupted while the instance was loading");
        }
    }

    private void readReplies() {
        while (true) {
            int first;
            try {
                first = read();
                if (first == '+') {
                    skipLine();
                    answer();
                    continue;
                }
                if (first < 0) {
                    throw new IOException("the connection was closed");
                }
                String rest = line();
                if (first == '-' && onRefusal == Refusals.RECORD && !otherCommands.contains(answered.get())) {
                    refused.add(new Refusal(answered.get(), rest));
                    answer();
                    continue;
                }
                stop(first == '-' ? "The instance refused a key: " + rest
                        : "The instance gave an unexpected reply: " + (char) first + rest);
                return;
            } catch (SocketTimeoutException quiet) {
                if (answered.get() == sent.get()) {
                    continue; // nothing asked: the writer is busy reading the backup
                }
                stop("The instance did not answer for " + quiet.getMessage());
                return;
            } catch (IOException e) {
                if (answered.get() < sent.get()) {
                    stop("The instance stopped answering: " + e.getMessage());
                }
                return;
            }
        }
    }

    /** One more command answered: a writer waiting for room goes on. */
    private void answer() {
        answered.set(answered.get() + 1); // not lazily: the writer must see it, or be seen waiting (see park)
        Thread writer = waiting;
        if (writer != null) {
            LockSupport.unpark(writer);
        }
    }

    /** Stops the load: the writer, parked or blocked in a write to a target that stopped reading, fails at once. */
    private void stop(String why) {
        error = why;
        abort();
        Thread writer = waiting;
        if (writer != null) {
            LockSupport.unpark(writer);
        }
    }

    /** One byte of the replies: read in large pieces, since the replies come many at a time. */
    private int read() throws IOException {
        if (repliesAt == repliesEnd) {
            int n = in.read(replies, 0, replies.length);
            if (n < 0) {
                return -1;
            }
            repliesAt = 0;
            repliesEnd = n;
        }
        return replies[repliesAt++] & 0xff;
    }

    private void skipLine() throws IOException {
        for (int c = read(); c != '\n'; c = read()) {
            if (c < 0) {
                throw new IOException("the connection was closed");
            }
        }
    }

    /** One reply line, without its CRLF. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = read(); c != '\r'; c = read()) {
            if (c < 0) {
                throw new IOException("the connection was closed");
            }
            line.append((char) c);
        }
        if (read() != '\n') {
            throw new IOException("a reply line without LF");
        }
        return line.toString();
    }

    private void write(byte[]... args) throws IOException {
        header('*', args.length);
        for (byte[] arg : args) {
            arg(arg);
        }
    }

    /** One argument: {@code $n\r\n}, its bytes, CRLF. */
    private void arg(byte[] arg) throws IOException {
        header('$', arg.length);
        put(arg, 0, arg.length);
        crlf();
    }

    /** {@code *n\r\n} or {@code $n\r\n}. */
    private void header(char kind, int n) throws IOException {
        if (buffered + 16 > BUFFER) {
            flush();
        }
        buffer[buffered++] = (byte) kind;
        int digits = 1;
        for (int rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = digits - 1, value = n; i >= 0; i--, value /= 10) {
            buffer[buffered + i] = (byte) ('0' + value % 10);
        }
        buffered += digits;
        buffer[buffered++] = '\r';
        buffer[buffered++] = '\n';
    }

    private void crlf() throws IOException {
        if (buffered + 2 > BUFFER) {
            flush();
        }
        buffer[buffered++] = '\r';
        buffer[buffered++] = '\n';
    }

    private void put(byte[] bytes, int offset, int length) throws IOException {
        if (length > BUFFER - buffered) {
            flush();
            if (length >= BUFFER) {
                out.write(bytes, offset, length);
                wrote(length);
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, buffered, length);
        buffered += length;
    }

    private void flush() throws IOException {
        if (buffered > 0) {
            out.write(buffer, 0, buffered);
            wrote(buffered);
            buffered = 0;
        }
    }

    /** Sends what is buffered, without waiting for replies: a write that fails says why the replies stopped. */
    void flushExplained() throws IOException {
        try {
            flush();
        } catch (IOException e) {
            throw explained(e);
        }
    }

    /** A failed write, with the reason the replies gave when there is one (the connection was cut for it). */
    private IOException explained(IOException e) {
        return error == null ? e : new IOException(error, e);
    }

    private void wrote(long bytes) {
        written += bytes;
        onWritten.accept(written);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Closes the connection. Its reader, blocked on it, ends by itself and is not waited for: it touches nothing but
     * this pipe (waiting for three servers' readers in turn took 10-18 ms at the end of each keys recovery on a busy
     * machine).
     */
    @Override
    public void close() {
        InstanceSockets.closeQuietly(socket);
    }
}
