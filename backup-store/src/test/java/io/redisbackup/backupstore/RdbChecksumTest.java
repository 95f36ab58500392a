package io.redisbackup.backupstore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import com.moilioncircle.redis.replicator.util.CRC64;

class RdbChecksumTest {

    private final Random random = new Random(42);

    @RepeatedTest(20)
    void checksumsAllButTheTrailerHoweverTheBytesArriveInPieces() throws Exception {
        byte[] body = new byte[1 + random.nextInt(5000)];
        random.nextBytes(body);
        long crc = CRC64.crc64(body, 0, body.length, 0);
        byte[] file = Arrays.copyOf(body, body.length + 8);
        for (int i = 0; i < 8; i++) {
            file[body.length + i] = (byte) (crc >>> (8 * i));
        }
        RdbChecksum tee = new RdbChecksum();

        for (int at = 0; at < file.length;) {
            int piece = Math.min(file.length - at, random.nextBoolean() ? 1 : 1 + random.nextInt(20));
            byte[] padded = new byte[piece + 6];
            System.arraycopy(file, at, padded, 3, piece);
            tee.update(padded, 3, piece);
            at += piece;
        }

        assertTrue(tee.matchesTrailer());
        assertEquals(file.length, tee.bytes());
        assertEquals(crc, tee.computedCrc());
        assertEquals(crc, tee.trailerCrc());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)), tee.sha256());
    }

    @Test
    void saysWhenFewerThanEightBytesArrived() {
        RdbChecksum tee = new RdbChecksum();
        tee.update(new byte[] { 1, 2, 3 }, 0, 3);
        assertEquals(-1, tee.trailerCrc());
    }

    @Test
    void noticesOneFlippedByte() {
        byte[] body = new byte[1000];
        random.nextBytes(body);
        long crc = CRC64.crc64(body, 0, body.length, 0);
        byte[] file = Arrays.copyOf(body, body.length + 8);
        for (int i = 0; i < 8; i++) {
            file[body.length + i] = (byte) (crc >>> (8 * i));
        }
        file[500] ^= 0x01;
        RdbChecksum checksum = new RdbChecksum();
        checksum.update(file, 0, file.length);
        assertFalse(checksum.matchesTrailer());
    }
}
