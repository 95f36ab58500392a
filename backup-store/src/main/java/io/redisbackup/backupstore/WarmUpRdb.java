package io.redisbackup.backupstore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The RDB the workers' warm-ups take apart at their start: {@code keys} strings of 8 to 300 letters in database 0,
 * one in ten with an expiry a year away, the opcodes and encodings backups and recoveries meet most. The same for
 * the same number of keys.
 */
public final class WarmUpRdb {

    public static final int RDB_VERSION = 9;

    private WarmUpRdb() {
    }

    /** The name of the {@code i}th key. */
    public static byte[] key(int i) {
        return ("warm-up:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] of(int keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("REDIS000" + RDB_VERSION).getBytes(StandardCharsets.US_ASCII));
        out.write(0xFE); // SELECTDB
        out.write(0);
        long expiry = System.currentTimeMillis() + 365L * 86_400_000L;
        Random random = new Random(keys);
        for (int i = 0; i < keys; i++) {
            if (i % 10 == 0) {
                out.write(0xFC); // EXPIRETIME_MS
                littleEndian(out, expiry);
            }
            out.write(0); // a string
            string(out, key(i));
            byte[] value = new byte[8 + random.nextInt(293)];
            for (int b = 0; b < value.length; b++) {
                value[b] = (byte) ('a' + random.nextInt(26));
            }
            string(out, value);
        }
        out.write(0xFF); // EOF
        byte[] body = out.toByteArray();
        littleEndian(out, Crc64.update(0, body, 0, body.length));
        return out.toByteArray();
    }

    /** A string of under 16 KiB: its length in one or two bytes, then its bytes. */
    private static void string(ByteArrayOutputStream out, byte[] bytes) {
        if (bytes.length < 64) {
            out.write(bytes.length);
        } else {
            out.write(0x40 | bytes.length >>> 8);
            out.write(bytes.length & 0xFF);
        }
        out.writeBytes(bytes);
    }

    private static void littleEndian(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> 8 * i) & 0xFF);
        }
    }
}
