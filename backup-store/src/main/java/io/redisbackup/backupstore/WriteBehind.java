package io.redisbackup.backupstore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Passes what is written to another stream on a thread of its own, in pieces of {@value #PIECE} bytes, so that the
 * writer goes on producing the next piece while the last one is digested and written: on two cores, whatever the
 * other stream costs (a digest, the system calls) no longer adds to the writer's time. At most {@value #PIECES}
 * pieces are held. A failure of the other stream is thrown by a later {@code write} or by {@link #close}.
 * {@link #close} waits until everything is written and flushes the other stream, and closes it if it was made by
 * {@link #closing}.
 */
public final class WriteBehind extends OutputStream {

    static final int PIECE = 256 << 10;
    private static final int PIECES = 4;

    private record Piece(byte[] bytes, int length) {
    }

    private static final Piece END = new Piece(new byte[0], 0);
    /** Pieces kept when a stream closes, for the streams after it ({@link Spares}). */
    private static final Spares<byte[]> SPARE = new Spares<>(piece -> piece.length);

    private final OutputStream out;
    private final boolean closesOut;
    private final BlockingQueue<Piece> full = new ArrayBlockingQueue<>(PIECES + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(PIECES);
    private final Thread thread;
    private volatile IOException failure;
    private byte[] current = newPiece();
    private int length;
    private boolean closed;

    /** Leaves {@code out} open when it is closed. */
    public WriteBehind(OutputStream out, String name) {
        this(out, name, false);
    }

    private WriteBehind(OutputStream out, String name, boolean closesOut) {
        this.out = out;
        this.closesOut = closesOut;
        for (int i = 1; i < PIECES; i++) {
            free.add(newPiece());
        }
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::drain);
    }

    private static byte[] newPiece() {
        return SPARE.take(PIECE, bytes -> new byte[(int) bytes]);
    }

    /** One that closes {@code out} when it is closed. */
    public static WriteBehind closing(OutputStream out, String name) {
        return new WriteBehind(out, name, true);
    }

    private void drain() {
        try {
            for (Piece piece = full.take(); piece != END; piece = full.take()) {
                if (failure == null) {
                    try {
                        out.write(piece.bytes(), 0, piece.length());
                    } catch (IOException | RuntimeException e) {
                        failure = e instanceof IOException io ? io : new IOException(e);
                    }
                }
                free.add(piece.bytes());
            }
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("the writing thread was interrupted");
        }
    }

    @Override
    public void write(int b) throws IOException {
        requireOpen();
        if (length == PIECE) {
            handOff();
        }
        current[length++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        requireOpen();
        while (count > 0) {
            if (length == PIECE) {
                handOff();
            }
            int n = Math.min(count, PIECE - length);
            System.arraycopy(bytes, offset, current, length, n);
            length += n;
            offset += n;
            count -= n;
        }
    }

    private void handOff() throws IOException {
        rethrow();
        try {
            full.put(new Piece(current, length));
            current = free.take();
            length = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    /** Once the thread has ended: every piece is in {@link #free}, the current one too if it was handed off. */
    private void givePiecesBack() {
        List<byte[]> pieces = new ArrayList<>();
        free.drainTo(pieces);
        if (pieces.stream().noneMatch(piece -> piece == current)) {
            pieces.add(current);
        }
        pieces.forEach(SPARE::giveBack);
        current = null;
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("The stream is closed");
        }
    }

    private void rethrow() throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
    }

    /** Writes what is left, waits until all is written, and flushes the other stream (or closes it). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (length > 0) {
                full.put(new Piece(current, length));
            }
            full.put(END);
            thread.join();
            givePiecesBack();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
        rethrow();
        if (closesOut) {
            out.close();
        } else {
            out.flush();
        }
    }
}
