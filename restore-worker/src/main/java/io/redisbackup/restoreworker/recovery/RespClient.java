package io.redisbackup.restoreworker.recovery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain RESP2 connection to a server of the worker's own (a drill's scratch server on localhost), that sends many
 * commands at once and reads their replies in order. A reply is a {@code byte[]} (bulk string, null when absent), a
 * {@code Long}, a {@code String} (status), a {@link Error}, or a {@code List} of those.
 */
final class RespClient implements AutoCloseable {

    /** An error reply, in its place among the replies. */
    record Error(String message) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    static RespClient connect(int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new RespClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends the commands, then reads one reply for each. */
    List<Object> pipeline(List<byte[][]> commands) throws IOException {
        for (byte[][] command : commands) {
            out.write(('*' + Integer.toString(command.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] argument : command) {
                out.write(('$' + Integer.toString(argument.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(argument);
                out.write('\r');
                out.write('\n');
            }
        }
        out.flush();
        List<Object> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            replies.add(reply());
        }
        return replies;
    }

    /** One command's reply. */
    Object call(String... command) throws IOException {
        byte[][] arguments = new byte[command.length][];
        for (int i = 0; i < command.length; i++) {
            arguments[i] = command[i].getBytes(StandardCharsets.UTF_8);
        }
        return pipeline(List.<byte[][]>of(arguments)).get(0);
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new Error(line);
            case ':' -> Long.parseLong(line);
            case '$' -> bulk(Integer.parseInt(line));
            case '*' -> array(Integer.parseInt(line));
            case -1 -> throw new EOFException("the server closed the connection");
            default -> throw new IOException("not a RESP2 reply: type byte " + type);
        };
    }

    private byte[] bulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("the server closed the connection inside a reply");
        }
        return bytes;
    }

    private List<Object> array(int count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(reply());
        }
        return items;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the server closed the connection inside a reply");
            }
            line.append((char) b);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
