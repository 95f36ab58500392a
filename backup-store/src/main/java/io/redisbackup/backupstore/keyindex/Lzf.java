package io.redisbackup.backupstore.keyindex;

/** LZF decompression, as Redis's lzf_d.c: literal runs and back references. */
final class Lzf {

    private Lzf() {
    }

    /** {@code in} decompressed to exactly {@code length} bytes; {@link DamagedBackupException} when it does not. */
    static byte[] decompress(byte[] in, int length) throws DamagedBackupException {
        byte[] out = new byte[length];
        int ip = 0;
        int op = 0;
        try {
            while (ip < in.length) {
                int control = in[ip++] & 0xff;
                if (control < 32) {
                    int run = control + 1;
                    System.arraycopy(in, ip, out, op, run);
                    ip += run;
                    op += run;
                } else {
                    int run = control >>> 5;
                    if (run == 7) {
                        run += in[ip++] & 0xff;
                    }
                    int ref = op - ((control & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                    if (ref < 0) {
                        throw new DamagedBackupException("A compressed key refers before its start");
                    }
                    for (int i = 0; i < run + 2; i++) {
                        out[op++] = out[ref++];
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new DamagedBackupException("A compressed key does not decompress to the length it claims");
        }
        if (op != length) {
            throw new DamagedBackupException("A compressed key does not decompress to the length it claims");
        }
        return out;
    }
}
