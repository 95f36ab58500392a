package io.redisbackup.backupstore.sealed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

class FrameCompressorTest {

    private static final int FRAME = 16 << 10;
    private static final int ROOM = (int) Zstd.compressBound(FRAME);

    /** Random lowercase letters: little to match, much to gain from entropy coding alone. */
    private static byte[] letters(Random random) {
        byte[] frame = new byte[FRAME];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) ('a' + random.nextInt(26));
        }
        return frame;
    }

    /** JSON records of a few words each: repeats a lean table misses. */
    private static byte[] records(Random random) {
        String[] words = { "premium", "basic", "london", "paris", "customer", "order", "delivered", "pending" };
        StringBuilder text = new StringBuilder();
        for (int id = random.nextInt(1000); text.length() < FRAME; id++) {
            text.append("{\"id\":").append(id).append(",\"plan\":\"").append(words[random.nextInt(2)])
                    .append("\",\"city\":\"").append(words[2 + random.nextInt(2)]).append("\",\"status\":\"")
                    .append(words[4 + random.nextInt(4)]).append("\",\"email\":\"user").append(id)
                    .append("@example.com\"}");
        }
        return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), FRAME);
    }

    private static int compressAtLevel(byte[] plain) {
        try (ZstdCompressCtx level1 = new ZstdCompressCtx().setLevel(1)) {
            return level1.compressByteArray(new byte[ROOM], 0, ROOM, plain, 0, plain.length);
        }
    }

    private static byte[] decompressed(byte[] out, int at, int length) {
        try (ZstdDecompressCtx decompressor = new ZstdDecompressCtx()) {
            byte[] plain = new byte[FRAME];
            assertEquals(FRAME, decompressor.decompressByteArray(plain, 0, FRAME, out, at, length));
            return plain;
        }
    }

    @Test
    void framesWithFewRepeatsAreCompressedLeanWithinTheAllowanceAndOpenAsAnyZstdFrame() {
        Random random = new Random(1);
        try (FrameCompressor compressor = new FrameCompressor(1, false, true)) {
            byte[] out = new byte[ROOM + 7];
            for (int index = 0; index < 2 * FrameCompressor.PROBE_EVERY; index++) {
                byte[] plain = letters(random);
                int length = compressor.compress(index, plain, FRAME, out, 7, ROOM);
                assertTrue(compressor.leanChosen(), "frame " + index);
                assertTrue(100L * length <= (100L + FrameCompressor.LEAN_ALLOWANCE_PERCENT) * compressAtLevel(plain),
                        "frame " + index + ": " + length + " bytes against " + compressAtLevel(plain));
                assertArrayEquals(plain, decompressed(out, 7, length));
            }
        }
    }

    @Test
    void framesWithRepeatsStayAtTheLevelAndTheChoiceFollowsTheData() {
        Random random = new Random(2);
        try (FrameCompressor compressor = new FrameCompressor(1, false, true)) {
            byte[] out = new byte[ROOM];
            for (int index = 0; index < FrameCompressor.PROBE_EVERY; index++) {
                byte[] plain = records(random);
                int length = compressor.compress(index, plain, FRAME, out, 0, ROOM);
                assertFalse(compressor.leanChosen(), "frame " + index);
                assertEquals(compressAtLevel(plain), length, "frame " + index + " at the level, as zstd makes it");
                assertArrayEquals(plain, decompressed(out, 0, length));
            }
            // the data changes: the next probe sees it, and the frames after it follow
            for (int index = FrameCompressor.PROBE_EVERY; index < 2 * FrameCompressor.PROBE_EVERY; index++) {
                byte[] plain = letters(random);
                int length = compressor.compress(index, plain, FRAME, out, 0, ROOM);
                assertTrue(compressor.leanChosen(), "frame " + index);
                assertArrayEquals(plain, decompressed(out, 0, length));
            }
            byte[] plain = records(random);
            compressor.compress(2 * FrameCompressor.PROBE_EVERY, plain, FRAME, out, 0, ROOM);
            assertFalse(compressor.leanChosen());
        }
    }

    @Test
    void notAdaptiveOrANegativeLevelCompressesEveryFrameAtTheLevel() {
        Random random = new Random(3);
        byte[] plain = letters(random);
        byte[] out = new byte[ROOM];
        try (FrameCompressor compressor = new FrameCompressor(1, false, false)) {
            assertEquals(compressAtLevel(plain), compressor.compress(0, plain, FRAME, out, 0, ROOM));
            assertFalse(compressor.leanChosen());
        }
        try (FrameCompressor compressor = new FrameCompressor(-1, false, true);
                ZstdCompressCtx negative = new ZstdCompressCtx().setLevel(-1)) {
            assertEquals(negative.compressByteArray(new byte[ROOM], 0, ROOM, plain, 0, FRAME),
                    compressor.compress(0, plain, FRAME, out, 0, ROOM));
            assertFalse(compressor.leanChosen());
        }
    }

    @Test
    void theAllowanceIsFourPercent() {
        assertTrue(FrameCompressor.choose(104, 100));
        assertFalse(FrameCompressor.choose(105, 100));
        assertTrue(FrameCompressor.choose(90, 100));
        assertTrue(FrameCompressor.choose(Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2));
    }
}
