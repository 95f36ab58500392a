package io.redisbackup.backupstore.sealed;

import com.github.luben.zstd.ZstdCompressCtx;

/**
 * Compresses the frames of one file with zstd at its level, or, where the file's bytes hold few repeats to find
 * (random tokens and ids, values already compressed, text of few words), with lean match tables: level 1 with a
 * hash table of 64 entries and matches of 7 bytes or more, about 1.6-1.9 times as fast. Every {@value #PROBE_EVERY}th
 * frame is compressed both ways; the lean way is kept for it and the frames up to the next such frame while its
 * result is at most {@value #LEAN_ALLOWANCE_PERCENT}% larger. Measured over 16 KiB frames: the benchmark's dataset
 * (random letters) 0.695 of its size at 412-459 MB/s, 0.715 lean at 730; a dataset shaped like an application's
 * (JSON, sessions, HTML, counters) 0.583 at 320 MB/s, lean 0.779: it stays at its level, for a probe's cost (about
 * 2%). Either way a frame is a standard zstd frame: readers need not know which way it was made. The choice is a
 * function of the frames alone, so a file is compressed the same on every run. One thread at a time.
 */
final class FrameCompressor implements AutoCloseable {

    static final int PROBE_EVERY = 32;
    static final int LEAN_ALLOWANCE_PERCENT = 4;
    static final int LEAN_HASH_LOG = 6;
    static final int LEAN_MIN_MATCH = 7;

    private final ZstdCompressCtx usual;
    /** Null when every frame is compressed at the level. */
    private final ZstdCompressCtx lean;
    /** Where a probe's second result goes; grown when needed. */
    private byte[] probe = new byte[0];
    private boolean leanChosen;

    /**
     * @param adaptive whether lean tables may be chosen; only at positive levels (negative ones are lean already)
     */
    FrameCompressor(int level, boolean checksum, boolean adaptive) {
        this.usual = new ZstdCompressCtx().setLevel(level).setChecksum(checksum);
        this.lean = adaptive && level >= 1 ? new ZstdCompressCtx().setLevel(1).setHashLog(LEAN_HASH_LOG)
                .setMinMatch(LEAN_MIN_MATCH).setChecksum(checksum) : null;
    }

    /**
     * Frame {@code index}'s bytes {@code plain[0, length)} compressed into {@code out[at, at + room)}; the length
     * written. {@code room} must hold zstd's bound for {@code length}.
     */
    int compress(long index, byte[] plain, int length, byte[] out, int at, int room) {
        if (lean == null) {
            return usual.compressByteArray(out, at, room, plain, 0, length);
        }
        if (index % PROBE_EVERY != 0) {
            return (leanChosen ? lean : usual).compressByteArray(out, at, room, plain, 0, length);
        }
        int leanBytes = lean.compressByteArray(out, at, room, plain, 0, length);
        if (probe.length < room) {
            probe = new byte[room];
        }
        int usualBytes = usual.compressByteArray(probe, 0, room, plain, 0, length);
        leanChosen = choose(leanBytes, usualBytes);
        if (leanChosen) {
            return leanBytes;
        }
        System.arraycopy(probe, 0, out, at, usualBytes);
        return usualBytes;
    }

    /** Whether the lean result is kept: at most {@value #LEAN_ALLOWANCE_PERCENT}% larger than the usual one. */
    static boolean choose(int leanBytes, int usualBytes) {
        return 100L * leanBytes <= (100L + LEAN_ALLOWANCE_PERCENT) * usualBytes;
    }

    /** Whether the frames since the last probe are compressed lean (for tests). */
    boolean leanChosen() {
        return leanChosen;
    }

    @Override
    public void close() {
        usual.close();
        if (lean != null) {
            lean.close();
        }
    }
}
