package io.redisbackup.backupstore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Large buffers that live as long as a backup, kept when it ends for the backups after it: a worker that takes one
 * backup after another then allocates none of them again. Made anew for every backup, they outlived several young
 * collections, went to the old generation and died there: on a 256 MB heap a full collection of 100-360 ms in every
 * cluster backup, with the whole worker stopped. As many are kept as were ever in use at once (the worker's
 * concurrency times a cluster's shards, at most): the memory a worker keeps is what its busiest moment needed.
 *
 * @param <T> a buffer, or an object of several arrays, whose size is {@code size}
 */
public final class Spares<T> {

    private final ToLongFunction<T> size;
    private final List<T> spare = new ArrayList<>();
    private long spareBytes;
    private long inUse;
    private long peak;

    public Spares(ToLongFunction<T> size) {
        this.size = size;
    }

    /**
     * A kept buffer of at least {@code bytes} and at most twice that, the smallest there is; otherwise a new one
     * from {@code make}. Give it back with {@link #giveBack} when done.
     */
    public T take(long bytes, LongFunction<T> make) {
        T taken;
        synchronized (this) {
            taken = smallestFitting(bytes);
            if (taken != null) {
                spare.remove(taken);
                spareBytes -= size.applyAsLong(taken);
                use(size.applyAsLong(taken));
                return taken;
            }
        }
        taken = make.apply(bytes);
        synchronized (this) {
            use(size.applyAsLong(taken));
        }
        return taken;
    }

    /**
     * Keeps {@code buffer} for a later {@link #take}; the spares kept longest make room for it when they already
     * hold what the busiest moment did.
     */
    public synchronized void giveBack(T buffer) {
        long bytes = size.applyAsLong(buffer);
        inUse -= bytes;
        while (!spare.isEmpty() && spareBytes + bytes > peak) {
            spareBytes -= size.applyAsLong(spare.remove(0));
        }
        spare.add(buffer);
        spareBytes += bytes;
    }

    /** What is kept, in bytes. */
    public synchronized long spareBytes() {
        return spareBytes;
    }

    private void use(long bytes) {
        inUse += bytes;
        peak = Math.max(peak, inUse);
    }

    private T smallestFitting(long bytes) {
        T best = null;
        for (T candidate : spare) {
            long candidateSize = size.applyAsLong(candidate);
            if (candidateSize >= bytes && candidateSize <= 2 * bytes
                    && (best == null || candidateSize < size.applyAsLong(best))) {
                best = candidate;
            }
        }
        return best;
    }
}
