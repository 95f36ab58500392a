package io.redisbackup.backupstore.sealed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FramedOutputStreamTest {

    private static final int FRAME = 4096;
    private static final byte[] KEY = new byte[32];

    @Test
    void framesSealedSideBySideMakeTheSameFileAsFramesSealedOneByOne() throws IOException {
        // no frame, part of one, a whole batch, a batch and a bit, every slot's batch whole (2 and 3 sealers hold 4
        // and 6 batches of 8 frames), many batches and a partial frame: every way a file can end
        for (int length : new int[] {0, 100, FRAME, 8 * FRAME, 8 * FRAME + 7, 32 * FRAME, 48 * FRAME, 96 * FRAME,
                61 * FRAME + 1234}) {
            byte[] plain = mixed(length);
            Written alone = write(plain, 1);
            for (int sealers : new int[] {2, 3}) {
                Written side = write(plain, sealers);
                assertArrayEquals(alone.bytes(), side.bytes(), length + " bytes, " + sealers + " sealers");
                assertEquals(alone.stream().storedCrc32c(), side.stream().storedCrc32c());
                assertEquals(alone.bytes().length, side.stream().storedBytes());
                assertEquals(length, side.stream().plainBytes());
            }
        }
        awaitNoSealerThreads();
    }

    @Test
    void aFailureBelowIsThrownAndTheThreadsStillEnd() {
        OutputStream refusing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        IOException thrown = assertThrows(IOException.class, () -> {
            try (FramedOutputStream out = new FramedOutputStream(refusing, codecs(2), "seal-test")) {
                out.write(mixed(40 * FRAME));
            }
        });
        assertEquals("disk full", thrown.getMessage());
        awaitNoSealerThreads();
    }

    private record Written(byte[] bytes, FramedOutputStream stream) {
    }

    private static Written write(byte[] plain, int sealers) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        FramedOutputStream out = new FramedOutputStream(stored, codecs(sealers), "seal-test");
        Random pieces = new Random(plain.length);
        for (int at = 0; at < plain.length; ) {
            int n = Math.min(plain.length - at, 1 + pieces.nextInt(3 * FRAME));
            out.write(plain, at, n);
            at += n;
        }
        out.close();
        return new Written(stored.toByteArray(), out);
    }

    private static List<FrameCodec> codecs(int n) {
        List<FrameCodec> codecs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            codecs.add(new FrameCodec("keys.idx", FRAME, KEY, 1, false));
        }
        return codecs;
    }

    /** Every sealing thread ends with its stream (a thread's pool says it ended a moment before it is gone). */
    private static void awaitNoSealerThreads() {
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("seal-test")));
    }

    /** Random bytes and text by turns: frames that compress and frames that do not. */
    private static byte[] mixed(int length) {
        byte[] data = new byte[length];
        Random random = new Random(length);
        byte[] text = "an index block of keys ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            data[i] = (i / 5000) % 2 == 0 ? (byte) random.nextInt() : text[i % text.length];
        }
        return data;
    }
}
