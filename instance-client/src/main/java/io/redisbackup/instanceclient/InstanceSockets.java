package io.redisbackup.instanceclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.net.ssl.SSLSocketFactory;

/**
 * The plain sockets our own protocol code runs on (the replication stream, the bulk RESTORE pipe): connected, in TLS
 * when the endpoint asks for it, and logged in. Nothing is read past the login's reply, so the caller's reader
 * starts at the first byte of its own traffic.
 */
public final class InstanceSockets {

    private static final int MAX_LINE = 4096;

    private InstanceSockets() {
    }

    /**
     * @param timeout how long to wait to connect, and for each read after
     * @param receiveBuffer the socket's receive buffer, 0 for the system's
     */
    public static Socket open(InstanceEndpoint endpoint, Duration timeout, int receiveBuffer) throws InstanceFailure {
        int millis = Math.toIntExact(timeout.toMillis());
        Socket socket = null;
        try {
            socket = endpoint.tls() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            login(socket, endpoint);
            return socket;
        } catch (IOException | RuntimeException | InstanceFailure e) {
            closeQuietly(socket);
            throw InstanceFailure.of(endpoint, e);
        }
    }

    private static void login(Socket socket, InstanceEndpoint endpoint) throws IOException, InstanceFailure {
        if (endpoint.password() == null) {
            return;
        }
        OutputStream out = socket.getOutputStream();
        out.write(endpoint.username() == null ? command("AUTH", endpoint.password())
                : command("AUTH", endpoint.username(), endpoint.password()));
        out.flush();
        String reply = line(socket.getInputStream());
        if (reply.startsWith("-")) {
            throw InstanceFailure.refused(endpoint, reply.substring(1), true);
        }
        if (!reply.startsWith("+")) {
            throw new IOException("it answered a login with " + reply.substring(0, Math.min(reply.length(), 40)));
        }
    }

    /** A command in RESP. */
    public static byte[] command(String... args) {
        StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            resp.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        return resp.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One reply line, without its CRLF, read a byte at a time so that nothing after it is taken. */
    public static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection was closed");
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("a reply line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) c);
        }
        int end = line.length();
        return line.substring(0, end > 0 && line.charAt(end - 1) == '\r' ? end - 1 : end);
    }

    public static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing more to learn
            }
        }
    }
}
