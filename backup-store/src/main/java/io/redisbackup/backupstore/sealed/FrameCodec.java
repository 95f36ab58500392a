package io.redisbackup.backupstore.sealed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Turns one frame of a stored file into its stored form and back ({@link FramedFormat}): compressed with zstd
 * when that makes it smaller, then sealed with AES-256-GCM under a key of this file alone, the frame's number in
 * the nonce. One codec serves one file, on one thread at a time (it keeps its cipher and zstd contexts).
 */
final class FrameCodec implements AutoCloseable {

    static final int TAG_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final byte STORED = 0;
    private static final byte ZSTD = 1;
    private static final int DATA = 0;
    private static final int TABLE = 1;

    private final int frameBytes;
    private final SecretKeySpec key;
    private final Cipher cipher;
    private final FrameCompressor compressor;
    private final ZstdDecompressCtx decompressor = new ZstdDecompressCtx();

    /**
     * @param dataKey the backup's data key; null for frames compressed only
     * @param level the zstd level, or null for no compression
     * @param adaptive whether frames with few repeats may be compressed with lean tables ({@link FrameCompressor})
     */
    FrameCodec(String file, int frameBytes, byte[] dataKey, Integer level, boolean adaptive) {
        this.frameBytes = frameBytes;
        try {
            this.key = dataKey == null ? null : new SecretKeySpec(fileKey(dataKey, file), "AES");
            this.cipher = dataKey == null ? null : Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
        this.compressor = level == null ? null : new FrameCompressor(level, dataKey == null, adaptive);
    }

    int frameBytes() {
        return frameBytes;
    }

    /**
     * Seals and opens {@code frames} throwaway frames of text-like bytes under a throwaway key, compressed when
     * {@code level} says so: enough for the JIT to compile AES-GCM with its intrinsics, and this codec, before a
     * backup or a recovery needs them. Until then a 16 KiB frame costs 0.3-2 ms to seal and open instead of about
     * 6 µs. How long it took, in nanoseconds.
     */
    static long warmUp(int frameBytes, boolean encrypted, Integer level, int frames) {
        long started = System.nanoTime();
        java.util.Random random = new java.util.Random(frames);
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] plain = new byte[frameBytes];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) ('a' + random.nextInt(16));
        }
        try (FrameCodec codec = new FrameCodec("warm-up", frameBytes, encrypted ? dataKey : null, level, true)) {
            byte[] record = new byte[codec.maxRecordBytes()];
            byte[] opened = new byte[frameBytes];
            for (int i = 0; i < frames; i++) {
                int length = codec.seal(i, plain, frameBytes, record);
                codec.open(i, record, 4, length - 4, opened, frameBytes);
            }
        } catch (DamagedBackupException e) {
            throw new IllegalStateException("A frame sealed here did not open: " + e.getMessage(), e);
        }
        return System.nanoTime() - started;
    }

    /** The most a frame's record (its length prefix and sealed body) can take. */
    int maxRecordBytes() {
        return 4 + 1 + (int) com.github.luben.zstd.Zstd.compressBound(frameBytes) + TAG_BYTES;
    }

    /** Frame {@code index}'s record: its sealed length, then the sealed body; written into {@code out}. */
    int seal(long index, byte[] plain, int length, byte[] out) {
        int bodyStart = 4;
        int packed = pack(index, plain, length, out, bodyStart);
        int sealed = encrypt(DATA, index, out, bodyStart, packed);
        ByteBuffer.wrap(out).putInt(0, sealed);
        return 4 + sealed;
    }

    /** The frame table's sealed form (no length prefix: the trailer says where it starts). */
    byte[] sealTable(byte[] table) {
        byte[] out = Arrays.copyOf(table, table.length + (key == null ? 0 : TAG_BYTES));
        int sealed = encrypt(TABLE, 0, out, 0, table.length);
        return Arrays.copyOf(out, sealed);
    }

    /**
     * Opens frame {@code index}'s sealed body ({@code body[offset, offset + length)}, its length prefix left off)
     * into {@code plain}; how many bytes it holds, which must be {@code expected}.
     */
    int open(long index, byte[] body, int offset, int length, byte[] plain, int expected) throws DamagedBackupException {
        int packed = decrypt(DATA, index, body, offset, length, "frame " + index);
        if (packed < 1) {
            throw new DamagedBackupException("Frame " + index + " of the stored file is empty");
        }
        int n;
        if (body[offset] == STORED) {
            n = packed - 1;
            System.arraycopy(body, offset + 1, plain, 0, Math.min(n, plain.length));
        } else if (body[offset] == ZSTD) {
            try {
                n = decompressor.decompressByteArray(plain, 0, expected, body, offset + 1, packed - 1);
            } catch (ZstdException e) {
                throw new DamagedBackupException("Frame " + index + " of the stored file does not decompress: "
                        + e.getMessage());
            }
        } else {
            throw new DamagedBackupException("Frame " + index + " of the stored file has an unknown form");
        }
        if (n != expected) {
            throw new DamagedBackupException("Frame " + index + " holds " + n + " bytes, " + expected + " expected");
        }
        return n;
    }

    /** Opens the frame table ({@code sealed[0, length)}), in place; its plain length. */
    int openTable(byte[] sealed, int length) throws DamagedBackupException {
        return decrypt(TABLE, 0, sealed, 0, length, "the frame table");
    }

    /** Writes [form][bytes] at {@code out[at]}: compressed when that is smaller; the length written. */
    private int pack(long index, byte[] plain, int length, byte[] out, int at) {
        if (compressor != null) {
            int room = out.length - at - 1 - TAG_BYTES;
            int compressed = compressor.compress(index, plain, length, out, at + 1, room);
            if (compressed < length) {
                out[at] = ZSTD;
                return 1 + compressed;
            }
        }
        out[at] = STORED;
        System.arraycopy(plain, 0, out, at + 1, length);
        return 1 + length;
    }

    private int encrypt(int kind, long index, byte[] buffer, int offset, int length) {
        if (key == null) {
            return length;
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(kind, index)));
            return cipher.doFinal(buffer, offset, length, buffer, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal a frame", e);
        }
    }

    private int decrypt(int kind, long index, byte[] buffer, int offset, int length, String what)
            throws DamagedBackupException {
        if (key == null) {
            return length;
        }
        if (length < TAG_BYTES) {
            throw new DamagedBackupException("The stored file is damaged: " + what + " is cut short");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(kind, index)));
            return cipher.doFinal(buffer, offset, length, buffer, offset);
        } catch (AEADBadTagException e) {
            throw new DamagedBackupException("The stored file is damaged: " + what
                    + " fails its authentication (changed, moved or sealed with another key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to open a frame", e);
        }
    }

    /** The frame's kind and number: each nonce used once per file key, and a frame read elsewhere fails. */
    private static byte[] nonce(int kind, long index) {
        return ByteBuffer.allocate(NONCE_BYTES).putInt(kind).putLong(index).array();
    }

    /** A key for this file alone, so that frame numbers can be the nonces: HMAC-SHA256(data key, file name). */
    private static byte[] fileKey(byte[] dataKey, String file) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(dataKey, "HmacSHA256"));
        return mac.doFinal(("redis-backup/frames/v1/" + file).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        if (compressor != null) {
            compressor.close();
        }
        decompressor.close();
    }
}
