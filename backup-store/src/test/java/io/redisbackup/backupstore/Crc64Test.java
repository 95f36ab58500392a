package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.moilioncircle.redis.replicator.util.CRC64;

class Crc64Test {

    @Test
    void isRedissCrc64() {
        // the check value in Redis's own crc64.c
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, "123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
    }

    @Test
    void givesTheLibrarysResultForPiecesLongEnoughForThreeStreams() {
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            byte[] bytes = new byte[random.nextInt(8 * Crc64.BLOCK)];
            random.nextBytes(bytes);
            int offset = bytes.length == 0 ? 0 : random.nextInt(Math.min(bytes.length, 64));
            int length = bytes.length - offset;
            long start = random.nextLong();
            assertEquals(CRC64.crc64(bytes, offset, length, start), Crc64.update(start, bytes, offset, length));
        }
    }

    @Test
    void givesTheLibrarysResultForEveryLengthOffsetAndSplit() {
        Random random = new Random(3);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int length = bytes.length - offset;
            int split = length == 0 ? 0 : random.nextInt(length);
            long expected = CRC64.crc64(bytes, offset, length, 0);
            long inTwo = Crc64.update(Crc64.update(0, bytes, offset, split), bytes, offset + split, length - split);
            assertEquals(expected, Crc64.update(0, bytes, offset, length));
            assertEquals(expected, inTwo);
        }
    }
}
