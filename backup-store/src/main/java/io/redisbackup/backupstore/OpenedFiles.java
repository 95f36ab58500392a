package io.redisbackup.backupstore;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * What opening a published backup's file read (its frame table, its key index's sparse part), kept for the files
 * opened last, up to a budget of bytes, the least recently used dropped first. A published file never changes (a
 * rewrap replaces the manifest only) and backup ids are never reused: from object storage, opening a file is one or
 * more round trips that a keys recovery, a dry run or a key history would otherwise pay again for every backup it
 * reads. What is kept was checked when it was read; every frame and block read through it is still checked.
 */
public final class OpenedFiles<V> {

    /** A published file: which backup, which file, and its stored size (another size is another file). */
    public record FileOf(UUID backupId, String file, long storedSize) {
        public static FileOf of(Manifest published, String file) {
            return new FileOf(published.backupId(), file, published.file(file).storedSize());
        }
    }

    private final long budget;
    private final ToLongFunction<V> weight;
    private final LinkedHashMap<FileOf, V> kept = new LinkedHashMap<>(16, 0.75f, true);
    private long used;

    /** @param weight about how many bytes of memory a value holds */
    public OpenedFiles(long budget, ToLongFunction<V> weight) {
        this.budget = budget;
        this.weight = weight;
    }

    /** What opening the file read, if it is still kept; null if not. */
    public synchronized V get(FileOf file) {
        return kept.get(file);
    }

    /** Keeps what opening the file read, unless it alone is over the budget; drops the least used to make room. */
    public synchronized void put(FileOf file, V value) {
        long bytes = weight.applyAsLong(value);
        if (bytes > budget) {
            return;
        }
        V replaced = kept.put(file, value);
        used += bytes - (replaced == null ? 0 : weight.applyAsLong(replaced));
        for (Iterator<Map.Entry<FileOf, V>> eldest = kept.entrySet().iterator(); used > budget && eldest.hasNext(); ) {
            Map.Entry<FileOf, V> entry = eldest.next();
            if (entry.getKey().equals(file)) {
                continue;
            }
            used -= weight.applyAsLong(entry.getValue());
            eldest.remove();
        }
    }

    /** How many bytes the values kept hold, by their weight. */
    public synchronized long used() {
        return used;
    }
}
