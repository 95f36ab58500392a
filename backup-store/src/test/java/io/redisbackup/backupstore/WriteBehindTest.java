package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Random;

import org.junit.jupiter.api.Test;

class WriteBehindTest {

    @Test
    void passesOnEveryByteInOrderAndFlushesAtTheEndWithoutClosing() throws IOException {
        byte[] data = new byte[3 * WriteBehind.PIECE + 12345];
        new Random(3).nextBytes(data);
        Target target = new Target(Long.MAX_VALUE);
        Random sizes = new Random(5);
        try (WriteBehind behind = new WriteBehind(target, "test-writer")) {
            int at = 0;
            while (at < data.length) {
                if (sizes.nextInt(10) == 0) {
                    behind.write(data[at++]);
                    continue;
                }
                int n = Math.min(data.length - at, sizes.nextInt(2 * WriteBehind.PIECE));
                behind.write(data, at, n);
                at += n;
            }
        }
        assertArrayEquals(data, target.toByteArray());
        assertTrue(target.flushed, "flushed once all was written");
        assertFalse(target.closed, "the other stream stays open");
    }

    @Test
    void aFailureOfTheOtherStreamIsThrownNotSwallowed() {
        Target target = new Target(WriteBehind.PIECE);
        IOException failure = assertThrows(IOException.class, () -> {
            try (WriteBehind behind = new WriteBehind(target, "test-writer")) {
                behind.write(new byte[10 * WriteBehind.PIECE]);
            }
        });
        assertEquals("No space left on device", failure.getMessage());
        assertFalse(target.flushed, "nothing is flushed after a failure");
    }

    @Test
    void streamsAtOnceAfterOthersClosedEachWriteTheirOwnBytesAndNoneAfterClosing() throws Exception {
        try (WriteBehind first = new WriteBehind(new Target(Long.MAX_VALUE), "test-writer")) {
            first.write(new byte[2 * WriteBehind.PIECE]); // its pieces are kept for the streams after it
        }
        byte[][] data = new byte[3][5 * WriteBehind.PIECE / 2];
        Target[] targets = new Target[3];
        Thread[] writers = new Thread[3];
        for (int i = 0; i < 3; i++) {
            new Random(i).nextBytes(data[i]);
            targets[i] = new Target(Long.MAX_VALUE);
            byte[] mine = data[i];
            Target target = targets[i];
            writers[i] = Thread.ofPlatform().start(() -> {
                try (WriteBehind behind = new WriteBehind(target, "test-writer")) {
                    for (int at = 0; at < mine.length; at += 1000) {
                        behind.write(mine, at, Math.min(1000, mine.length - at));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        for (int i = 0; i < 3; i++) {
            writers[i].join();
            assertArrayEquals(data[i], targets[i].toByteArray(), "stream " + i);
        }
        WriteBehind closed = new WriteBehind(new Target(Long.MAX_VALUE), "test-writer");
        closed.close();
        assertThrows(IOException.class, () -> closed.write(1), "its pieces have gone back");
        assertThrows(IOException.class, () -> closed.write(new byte[10], 0, 10));
    }

    /** Keeps what is written, up to {@code room} bytes; then every write fails as a full disk does. */
    private static final class Target extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final long room;
        boolean flushed;
        boolean closed;

        Target(long room) {
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (kept.size() + (long) length > room) {
                throw new IOException("No space left on device");
            }
            kept.write(bytes, offset, length);
        }

        byte[] toByteArray() {
            return kept.toByteArray();
        }

        @Override
        public void flush() {
            flushed = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
