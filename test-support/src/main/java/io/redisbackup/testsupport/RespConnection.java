package io.redisbackup.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain RESP2 connection for tests: binary-safe arguments ({@code byte[]} or anything else as its string), replies
 * as {@code String} (simple), {@code Long}, {@code byte[]} (bulk), {@code List} or {@code null}; an error reply
 * throws {@link RedisErrorReply}. Deliberately independent of the code under test.
 */
public final class RespConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    public static RespConnection open(String host, int port) {
        try {
            Socket socket = new Socket(host, port);
            socket.setSoTimeout(30_000);
            return new RespConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot connect to Redis at " + host + ":" + port, e);
        }
    }

    public synchronized Object call(Object... args) {
        try {
            out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (Object arg : args) {
                byte[] bytes = arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
                out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reply as text: bulk strings decoded as UTF-8, integers and simple strings as they are. */
    public String callString(Object... args) {
        return asString(call(args));
    }

    static String asString(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : reply == null ? null : reply.toString();
    }

    private Object readReply() throws IOException {
        int type = in.read();
        String line = readLine();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new RedisErrorReply(line);
            case ':' -> Long.parseLong(line);
            case '$' -> readBulk(Integer.parseInt(line));
            case '*' -> readArray(Integer.parseInt(line));
            case -1 -> throw new EOFException("Redis closed the connection");
            default -> throw new IOException("Not a RESP2 reply: type byte " + type);
        };
    }

    private byte[] readBulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        in.readNBytes(2);
        return bytes;
    }

    private List<Object> readArray(int count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(readReply());
        }
        return items;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("Redis closed the connection");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection: nothing to do about it
        }
    }

    /** An error reply from Redis ({@code -ERR ...}, {@code -NOAUTH ...}). */
    public static final class RedisErrorReply extends RuntimeException {
        public RedisErrorReply(String message) {
            super(message);
        }
    }
}
