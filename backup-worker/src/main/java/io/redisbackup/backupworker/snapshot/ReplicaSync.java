package io.redisbackup.backupworker.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.redisbackup.instanceclient.InstanceClient;
import io.redisbackup.instanceclient.InstanceEndpoint;
import io.redisbackup.instanceclient.InstanceFailure;
import io.redisbackup.instanceclient.InstanceSockets;

/**
 * One full synchronisation, the way {@code redis-cli --rdb} asks for it: log in, say that the end of a diskless
 * transfer may be marked ({@code REPLCONF capa eof}) and that only the RDB is wanted ({@code REPLCONF rdb-only 1},
 * Redis 7 and later, so that the server keeps no replication buffer for us), then {@code SYNC}. The server answers
 * with {@code $<length>} and that many bytes, or with {@code $EOF:<40 bytes>}, the RDB and the same 40 bytes; before
 * that it may send newlines while it prepares the snapshot. Every reply is checked: an error, or anything that is not
 * one of those answers, is a {@link Refused} with the server's words.
 */
final class ReplicaSync implements AutoCloseable {

    /** The server said no, or said something that is not part of the protocol. */
    static final class Refused extends IOException {
        private final boolean authentication;

        Refused(String message, boolean authentication) {
            super(message);
            this.authentication = authentication;
        }

        boolean authentication() {
            return authentication;
        }
    }

    static final int EOF_MARK_LENGTH = 40;
    private static final int MAX_LINE = 4096;
    /** An INFO reply longer than this is not believed (a server's is a few KiB). */
    private static final int MAX_INFO = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] eofMark;
    private long length = -1;
    private Boolean rdbOnly;

    private ReplicaSync(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in; the server has not been asked for anything yet. */
    static ReplicaSync connect(InstanceEndpoint source, Duration timeout) throws InstanceFailure, IOException {
        Socket socket = InstanceSockets.open(source, timeout, 1 << 20);
        try {
            return new ReplicaSync(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * The server's {@code INFO} of its default sections (server, memory, stats and cluster among them), field by
     * field: what the snapshot is weighed by, asked on this connection before anything is forked.
     */
    Map<String, String> info() throws IOException {
        send("INFO");
        String reply = readLine(false);
        if (reply.startsWith("-")) {
            throw new Refused(reply.substring(1), reply.startsWith("-NOAUTH") || reply.startsWith("-NOPERM"));
        }
        long length = bulkLength(reply);
        if (length < 0 || length > MAX_INFO) {
            throw new Refused("the server answered INFO with \"" + printable(reply) + "\", not with its fields", false);
        }
        byte[] text = in.readNBytes((int) length + 2); // and its CRLF
        if (text.length < length + 2) {
            throw new EOFException("the server closed the connection");
        }
        return InstanceClient.infoFields(new String(text, 0, (int) length, StandardCharsets.UTF_8));
    }

    /**
     * Says what this replica takes; nothing is forked yet. Whether the server took {@code rdb-only}: one that refuses
     * it (before Redis 7, or with {@code REPLCONF} renamed away) sends the whole stream, which we stop reading after
     * the RDB, but keeps every write made meanwhile in its output buffer for us.
     */
    boolean prepare() throws IOException {
        if (rdbOnly == null) {
            call("REPLCONF", "capa", "eof");
            rdbOnly = !call("REPLCONF", "rdb-only", "1").startsWith("-");
        }
        return rdbOnly;
    }

    /**
     * Asks for the snapshot ({@link #prepare}d first if it was not); the RDB's bytes, from its magic. With an end
     * mark, the stream goes on past the RDB: {@link #checkEnd} reads and checks the mark.
     */
    InputStream sync() throws IOException {
        prepare();
        send("SYNC");
        String reply = readLine(true);
        if (reply.startsWith("-")) {
            throw new Refused(reply.substring(1), reply.startsWith("-NOAUTH") || reply.startsWith("-NOPERM"));
        }
        if (reply.startsWith("$EOF:") && reply.length() == 5 + EOF_MARK_LENGTH) {
            eofMark = reply.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            return in;
        }
        length = bulkLength(reply);
        if (length > 0) {
            return new Bounded(in, length);
        }
        throw new Refused("the server answered SYNC with \"" + printable(reply) + "\", not with a snapshot", false);
    }

    /**
     * After the whole RDB was read: with an end mark, checks that the mark follows; {@code readAhead} are the bytes
     * read past the RDB's end. With a length, checks that exactly that many bytes were the RDB.
     */
    void checkEnd(byte[] readAhead, long rdbBytes) throws IOException {
        if (eofMark == null) {
            if (rdbBytes != length) {
                throw new Refused("the server announced " + length + " bytes and sent an RDB of " + rdbBytes, false);
            }
            return;
        }
        byte[] mark = Arrays.copyOf(readAhead, Math.max(EOF_MARK_LENGTH, readAhead.length));
        for (int have = readAhead.length; have < EOF_MARK_LENGTH;) {
            int n = in.read(mark, have, EOF_MARK_LENGTH - have);
            if (n < 0) {
                throw new EOFException("the connection closed before the end mark of the snapshot");
            }
            have += n;
        }
        if (!Arrays.equals(mark, 0, EOF_MARK_LENGTH, eofMark, 0, EOF_MARK_LENGTH)) {
            throw new Refused("the snapshot is not followed by the end mark the server announced", false);
        }
    }

    /** The length a bulk reply's first line ({@code $<length>}) announces; -1 for any other line. */
    private static long bulkLength(String reply) {
        if (!reply.startsWith("$")) {
            return -1;
        }
        try {
            return Long.parseLong(reply.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String call(String... args) throws IOException {
        send(args);
        return readLine(false);
    }

    private void send(String... args) throws IOException {
        out.write(InstanceSockets.command(args));
        out.flush();
    }

    /** One reply line, without its CRLF; {@code skipNewlines}: the newlines a server sends while it waits first. */
    private String readLine(boolean skipNewlines) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (;;) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b == '\n') {
                if (line.size() == 0 && skipNewlines) {
                    continue;
                }
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new Refused("the server sent a reply line longer than " + MAX_LINE + " bytes", false);
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private static String printable(String reply) {
        String shown = reply.length() > 80 ? reply.substring(0, 80) + "..." : reply;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public void close() {
        InstanceSockets.closeQuietly(socket);
    }

    /** The announced number of bytes, no more: what follows them is the replication stream, not the RDB. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(bytes, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
