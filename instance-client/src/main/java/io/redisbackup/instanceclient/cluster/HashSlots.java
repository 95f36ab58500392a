package io.redisbackup.instanceclient.cluster;

/**
 * Which of Redis Cluster's 16,384 hash slots a key belongs to: CRC16 (XMODEM) of the key, or of its hash tag (what
 * lies between the first '{' and the next '}', when that is not empty), modulo 16384. As Redis's cluster.c keyHashSlot.
 */
public final class HashSlots {

    public static final int COUNT = 16384;

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int crc = n << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[n] = crc & 0xffff;
        }
    }

    private HashSlots() {
    }

    /** The slot of a key, by its bytes. */
    public static int of(byte[] key) {
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                return crc16(key, open + 1, close) & (COUNT - 1);
            }
        }
        return crc16(key, 0, key.length) & (COUNT - 1);
    }

    /** CRC16-CCITT (XMODEM) of {@code bytes[from, to)}. */
    static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
