package io.redisbackup.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A TCP listener on a free loopback port that records whatever is sent to it and hangs up a second after the last
 * byte: the place a password must never reach.
 */
public final class RecordingListener implements AutoCloseable {

    private final ServerSocket socket;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread accepting;

    public RecordingListener() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** On a free port of this local address (any of 127.0.0.0/8 is this machine). */
    public RecordingListener(InetAddress address) throws IOException {
        socket = new ServerSocket(0, 10, address);
        accepting = Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** How many connections were made to it so far. */
    public int connections() {
        return connections.get();
    }

    /** Everything received so far, each byte as one ISO-8859-1 character. */
    public synchronized String received() {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connections.incrementAndGet();
                connection.setSoTimeout(1000);
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = connection.getInputStream().read(buffer)) > 0; ) {
                        synchronized (this) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                } catch (SocketTimeoutException enough) {
                    // hang up
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        accepting.join(5000);
    }
}
