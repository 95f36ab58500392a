package io.redisbackup.restoreworker.recovery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocketFactory;

/**
 * Commands streamed to a Redis server the way {@code redis-cli --pipe} does: one thread writes, another reads the
 * replies as they come, so that the server never waits for the writer to look at its answers. Every reply must be
 * {@code +...}; the first error stops the stream. At most {@value #IN_FLIGHT} commands are unanswered at a time,
 * so memory stays bounded whatever the dataset.
 */
final class RespPipe implements AutoCloseable {

    private static final int IN_FLIGHT = 20_000;
    private static final byte[] CRLF = { '\r', '\n' };

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final Thread reader;
    private final Object lock = new Object();
    private long sent;
    private long answered;
    private volatile String error;
    /** The commands, by number, that were not key writes (SELECT, FUNCTION RESTORE): to count keys confirmed. */
    private final List<Long> otherCommands = new ArrayList<>();

    private RespPipe(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.reader = new Thread(this::readReplies, "resp-pipe-replies");
        this.reader.setDaemon(true);
    }

    /** Connects and logs in; the replies are read from here on. */
    static RespPipe open(RecoveryTarget target, Duration timeout) throws RecoveryFailure {
        Socket socket = null;
        try {
            socket = target.tls() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            RespPipe pipe = new RespPipe(socket);
            pipe.login(target);
            pipe.reader.start();
            return pipe;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RecoveryFailure(RecoveryFailure.TARGET_UNREACHABLE, "Cannot connect to " + target + ".", e);
        }
    }

    private void login(RecoveryTarget target) throws IOException, RecoveryFailure {
        if (target.password() == null) {
            return;
        }
        if (target.username() != null) {
            write(bytes("AUTH"), bytes(target.username()), bytes(target.password()));
        } else {
            write(bytes("AUTH"), bytes(target.password()));
        }
        out.flush();
        String reply = line();
        if (!reply.startsWith("+")) {
            throw new RecoveryFailure(RecoveryFailure.TARGET_AUTH_FAILED, target + " refused the user name or password.");
        }
    }

    /** Sends one command that writes a key. */
    void key(byte[]... args) throws IOException, RecoveryFailure {
        send(false, args);
    }

    /** Sends one command that is not a key write. */
    void other(byte[]... args) throws IOException, RecoveryFailure {
        send(true, args);
    }

    private void send(boolean other, byte[]... args) throws IOException, RecoveryFailure {
        failIfRefused();
        synchronized (lock) {
            if (sent - answered >= IN_FLIGHT) {
                out.flush();
                while (sent - answered >= IN_FLIGHT / 2 && error == null) {
                    await();
                }
            }
            if (other) {
                otherCommands.add(sent);
            }
            sent++;
        }
        write(args);
    }

    /** Waits for every reply; fails with the first error. */
    void finish() throws IOException, RecoveryFailure {
        out.flush();
        synchronized (lock) {
            while (answered < sent && error == null) {
                await();
            }
        }
        failIfRefused();
    }

    /** How many key writes the server has confirmed. */
    long keysConfirmed() {
        synchronized (lock) {
            long others = otherCommands.stream().filter(n -> n < answered).count();
            return answered - others;
        }
    }

    private void failIfRefused() throws RecoveryFailure {
        if (error != null) {
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, error);
        }
    }

    private void await() throws RecoveryFailure {
        try {
            lock.wait(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "Interrupted while the instance was loading");
        }
    }

    private void readReplies() {
        while (true) {
            String reply;
            try {
                reply = line();
            } catch (java.net.SocketTimeoutException quiet) {
                synchronized (lock) {
                    if (answered == sent) {
                        continue; // nothing asked: the writer is busy reading the backup
                    }
                    error = "The instance did not answer for " + quiet.getMessage();
                    lock.notifyAll();
                    return;
                }
            } catch (IOException e) {
                synchronized (lock) {
                    if (error == null && answered < sent) {
                        error = "The instance stopped answering: " + e.getMessage();
                    }
                    lock.notifyAll();
                    return;
                }
            }
            synchronized (lock) {
                if (!reply.startsWith("+")) {
                    error = reply.startsWith("-") ? "The instance refused a key: " + reply.substring(1)
                            : "The instance gave an unexpected reply: " + reply;
                } else {
                    answered++;
                }
                lock.notifyAll();
                if (error != null) {
                    return;
                }
            }
        }
    }

    /** One reply line, without its CRLF. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection was closed");
            }
            line.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("a reply line without LF");
        }
        return line.toString();
    }

    private void write(byte[]... args) throws IOException {
        out.write(('*' + Integer.toString(args.length)).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        for (byte[] arg : args) {
            out.write(('$' + Integer.toString(arg.length)).getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
            out.write(arg);
            out.write(CRLF);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closeQuietly(socket);
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing more to learn
            }
        }
    }
}
