package io.redisbackup.backupstore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Redis's CRC64 (Jones polynomial, reflected, no inversion: what RDB files and DUMP payloads carry), sixteen bytes
 * at a time ("slice-by-16": sixteen independent table lookups per step instead of a chain of sixteen), about twice
 * as fast as slice-by-8 and eight times a byte at a time. Long pieces go faster still as three streams at once:
 * three blocks of {@value #BLOCK} bytes, each its own chain of eight-byte steps, interleaved so that the processor
 * works on all three while each waits on its lookups, then joined: with no inversion the CRC is linear, so the CRC
 * of A then B is the CRC of A moved past |B| zero bytes (a fixed linear map, eight more lookups) xor the CRC of B
 * alone. The check value of Redis's crc64.c is in the tests, and the results are compared there with
 * redis-replicator's implementation.
 */
public final class Crc64 {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SLICES = 16;
    /** Table k (at {@code k * 256}) advances a byte that is followed by k more bytes; one array, one bounds check. */
    private static final long[] TABLE = new long[SLICES * 256];

    /** The Jones polynomial, bit-reflected. */
    private static final long POLYNOMIAL = 0x95AC9329AC4BC9B5L;
    /** The bytes of each of the three streams of a step. */
    static final int BLOCK = 1024;
    /** Table k (at {@code k * 256}) moves byte k of a CRC past {@value #BLOCK} zero bytes. */
    private static final long[] SKIP = new long[8 * 256];

    static {
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
            }
            TABLE[n] = crc;
        }
        for (int k = 1; k < SLICES; k++) {
            for (int n = 0; n < 256; n++) {
                long previous = TABLE[(k - 1) * 256 + n];
                TABLE[k * 256 + n] = (previous >>> 8) ^ TABLE[(int) (previous & 0xff)];
            }
        }
        long[] bit = new long[64]; // each bit of a CRC moved past BLOCK zero bytes
        for (int b = 0; b < 64; b++) {
            long crc = 1L << b;
            for (int n = 0; n < BLOCK; n++) {
                crc = TABLE[(int) (crc & 0xff)] ^ (crc >>> 8);
            }
            bit[b] = crc;
        }
        for (int k = 0; k < 8; k++) {
            for (int n = 0; n < 256; n++) {
                long moved = 0;
                for (int b = 0; b < 8; b++) {
                    if ((n & (1 << b)) != 0) {
                        moved ^= bit[8 * k + b];
                    }
                }
                SKIP[k * 256 + n] = moved;
            }
        }
    }

    private Crc64() {
    }

    /** The CRC64 of {@code bytes[offset, offset + length)}, continuing from {@code crc} (0 to start). */
    public static long update(long crc, byte[] bytes, int offset, int length) {
        long[] t = TABLE;
        int i = offset;
        int end = offset + length;
        for (; i + 3 * BLOCK <= end; i += 3 * BLOCK) {
            long first = crc;
            long second = 0;
            long third = 0;
            for (int at = i; at < i + BLOCK; at += 8) {
                first = step(t, first ^ (long) LONG_LE.get(bytes, at));
                second = step(t, second ^ (long) LONG_LE.get(bytes, at + BLOCK));
                third = step(t, third ^ (long) LONG_LE.get(bytes, at + 2 * BLOCK));
            }
            crc = skip(skip(first) ^ second) ^ third;
        }
        for (; i + 16 <= end; i += 16) {
            long a = crc ^ (long) LONG_LE.get(bytes, i);
            long b = (long) LONG_LE.get(bytes, i + 8);
            crc = t[15 * 256 + (int) (a & 0xff)] ^ t[14 * 256 + (int) ((a >>> 8) & 0xff)]
                    ^ t[13 * 256 + (int) ((a >>> 16) & 0xff)] ^ t[12 * 256 + (int) ((a >>> 24) & 0xff)]
                    ^ t[11 * 256 + (int) ((a >>> 32) & 0xff)] ^ t[10 * 256 + (int) ((a >>> 40) & 0xff)]
                    ^ t[9 * 256 + (int) ((a >>> 48) & 0xff)] ^ t[8 * 256 + (int) (a >>> 56)]
                    ^ t[7 * 256 + (int) (b & 0xff)] ^ t[6 * 256 + (int) ((b >>> 8) & 0xff)]
                    ^ t[5 * 256 + (int) ((b >>> 16) & 0xff)] ^ t[4 * 256 + (int) ((b >>> 24) & 0xff)]
                    ^ t[3 * 256 + (int) ((b >>> 32) & 0xff)] ^ t[2 * 256 + (int) ((b >>> 40) & 0xff)]
                    ^ t[256 + (int) ((b >>> 48) & 0xff)] ^ t[(int) (b >>> 56)];
        }
        for (; i < end; i++) {
            crc = t[(int) ((crc ^ bytes[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    /** Eight bytes, already xored into the CRC ({@code a}), through the first eight tables ("slice-by-8"). */
    private static long step(long[] t, long a) {
        return t[7 * 256 + (int) (a & 0xff)] ^ t[6 * 256 + (int) ((a >>> 8) & 0xff)]
                ^ t[5 * 256 + (int) ((a >>> 16) & 0xff)] ^ t[4 * 256 + (int) ((a >>> 24) & 0xff)]
                ^ t[3 * 256 + (int) ((a >>> 32) & 0xff)] ^ t[2 * 256 + (int) ((a >>> 40) & 0xff)]
                ^ t[256 + (int) ((a >>> 48) & 0xff)] ^ t[(int) (a >>> 56)];
    }

    /** {@code crc} moved past {@value #BLOCK} zero bytes. */
    private static long skip(long crc) {
        long[] s = SKIP;
        return s[(int) (crc & 0xff)] ^ s[256 + (int) ((crc >>> 8) & 0xff)] ^ s[2 * 256 + (int) ((crc >>> 16) & 0xff)]
                ^ s[3 * 256 + (int) ((crc >>> 24) & 0xff)] ^ s[4 * 256 + (int) ((crc >>> 32) & 0xff)]
                ^ s[5 * 256 + (int) ((crc >>> 40) & 0xff)] ^ s[6 * 256 + (int) ((crc >>> 48) & 0xff)]
                ^ s[7 * 256 + (int) (crc >>> 56)];
    }
}
