package io.redisbackup.backupstore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import com.moilioncircle.redis.replicator.util.CRC64;

/**
 * Redis's CRC64 (Jones polynomial, reflected, no inversion: what RDB files and DUMP payloads carry), eight bytes at
 * a time ("slice-by-8"), several times faster than a byte at a time. Same results as the library's {@link CRC64},
 * whose table it starts from.
 */
public final class Crc64 {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[][] TABLES = new long[8][256];

    static {
        TABLES[0] = CRC64.LOOKUP_TABLE.clone();
        for (int k = 1; k < 8; k++) {
            for (int n = 0; n < 256; n++) {
                long previous = TABLES[k - 1][n];
                TABLES[k][n] = (previous >>> 8) ^ TABLES[0][(int) (previous & 0xff)];
            }
        }
    }

    private Crc64() {
    }

    /** The CRC64 of {@code bytes[offset, offset + length)}, continuing from {@code crc} (0 to start). */
    public static long update(long crc, byte[] bytes, int offset, int length) {
        long[] t0 = TABLES[0];
        long[] t1 = TABLES[1];
        long[] t2 = TABLES[2];
        long[] t3 = TABLES[3];
        long[] t4 = TABLES[4];
        long[] t5 = TABLES[5];
        long[] t6 = TABLES[6];
        long[] t7 = TABLES[7];
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            crc ^= (long) LONG_LE.get(bytes, i);
            crc = t7[(int) (crc & 0xff)] ^ t6[(int) ((crc >>> 8) & 0xff)] ^ t5[(int) ((crc >>> 16) & 0xff)]
                    ^ t4[(int) ((crc >>> 24) & 0xff)] ^ t3[(int) ((crc >>> 32) & 0xff)]
                    ^ t2[(int) ((crc >>> 40) & 0xff)] ^ t1[(int) ((crc >>> 48) & 0xff)] ^ t0[(int) (crc >>> 56)];
        }
        for (; i < end; i++) {
            crc = t0[(int) ((crc ^ bytes[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }
}
