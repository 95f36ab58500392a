package io.redisbackup.backupstore.keyindex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

import io.redisbackup.backupstore.Manifest;

/**
 * The keys a KEYS recovery names: keys by name, glob patterns over names ({@link KeyPattern}), and optionally the
 * databases to take them from (all when none are named). {@link #select} finds them in a backup's key index: each
 * named key with one lookup, the patterns by scanning only the part of the sorted index under their literal
 * prefixes, in bounded memory whatever the index's size.
 */
public record KeySelection(List<byte[]> keys, List<KeyPattern> patterns, Set<Integer> databases) {

    /** How many named keys are looked up at once: their index blocks read side by side. */
    private static final int LOOKUP_BATCH = 200;

    public KeySelection {
        keys = List.copyOf(keys);
        patterns = List.copyOf(patterns);
        databases = Set.copyOf(databases);
    }

    /** A part of a backup and what of the selection to look for in it. */
    public record InPart(Manifest.Part part, KeySelection selection) {
    }

    /**
     * Where to look for the selection in the backup: its one part, or in a cluster backup each key named in the
     * shard that holds its slot ({@code slotOf}, the hash slot of a key) and the patterns in every shard; a part with
     * nothing to look for is left out.
     */
    public List<InPart> byPart(Manifest manifest,
            ToIntFunction<byte[]> slotOf) {
        List<InPart> parts = new ArrayList<>();
        for (Manifest.Part part : manifest.parts()) {
            KeySelection narrowed = new KeySelection(keys.stream()
                    .filter(key -> part.holds(slotOf.applyAsInt(key))).toList(), patterns, databases);
            if (!narrowed.keys.isEmpty() || !narrowed.patterns.isEmpty()) {
                parts.add(new InPart(part, narrowed));
            }
        }
        return parts;
    }

    /** Only these keys, in every database. */
    public static KeySelection ofKeys(List<byte[]> keys) {
        return new KeySelection(keys, List.of(), Set.of());
    }

    /** Takes a key's entries in the databases selected (one per database, in database order). */
    @FunctionalInterface
    public interface KeyVisitor {
        /** False stops the selection. */
        boolean visit(byte[] key, List<IndexEntry> entries) throws IOException;
    }

    /** Whether the selection takes keys of database {@code db}. */
    public boolean takes(int db) {
        return databases.isEmpty() || databases.contains(db);
    }

    /**
     * Visits every key selected that the backup holds in a selected database, once: the named keys first, in the
     * order named (a named key the backup does not hold there goes to {@code notInBackup}), then the other keys the
     * patterns match, in index order.
     */
    public void select(KeyIndexReader index, Consumer<byte[]> notInBackup, KeyVisitor visitor) throws IOException {
        for (int from = 0; from < keys.size(); from += LOOKUP_BATCH) {
            List<byte[]> batch = keys.subList(from, Math.min(keys.size(), from + LOOKUP_BATCH));
            index.prefetch(batch);
            for (byte[] key : batch) {
                List<IndexEntry> entries = index.find(key).stream().filter(entry -> takes(entry.db())).toList();
                if (entries.isEmpty()) {
                    notInBackup.accept(key);
                } else if (!visitor.visit(key, entries)) {
                    return;
                }
            }
        }
        if (patterns.isEmpty()) {
            return;
        }
        Set<ByteBuffer> named = new HashSet<>();
        keys.forEach(key -> named.add(ByteBuffer.wrap(key)));
        KeyIndexReader.KeyFilter filter = (bytes, offset, length) -> {
            for (KeyPattern pattern : patterns) {
                if (pattern.matches(bytes, offset, length)) {
                    return !named.contains(ByteBuffer.wrap(bytes, offset, length));
                }
            }
            return false;
        };
        Grouped grouped = new Grouped(visitor);
        for (byte[] prefix : coveringPrefixes(patterns)) {
            index.scan(prefix, filter, grouped);
            if (!grouped.flush()) {
                return;
            }
        }
    }

    /**
     * The fewest prefixes whose ranges of the index hold every key the patterns can match: a prefix that extends
     * another is covered by it (and the empty prefix covers everything), so no part of the index is read twice.
     */
    static List<byte[]> coveringPrefixes(List<KeyPattern> patterns) {
        List<byte[]> prefixes = new ArrayList<>(patterns.stream().map(KeyPattern::prefix).toList());
        prefixes.sort(Arrays::compareUnsigned);
        List<byte[]> covering = new ArrayList<>();
        for (byte[] prefix : prefixes) {
            byte[] last = covering.isEmpty() ? null : covering.get(covering.size() - 1);
            if (last == null || !startsWith(prefix, last)) {
                covering.add(prefix);
            }
        }
        return covering;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Gathers a scan's entries by key (a key's entries follow each other in the index), in the selected databases. */
    private final class Grouped implements KeyIndexReader.Visitor {
        private final KeyVisitor visitor;
        private byte[] key;
        private final List<IndexEntry> entries = new ArrayList<>();
        private boolean stopped;

        Grouped(KeyVisitor visitor) {
            this.visitor = visitor;
        }

        @Override
        public boolean visit(IndexEntry entry) throws IOException {
            if (key != null && !Arrays.equals(key, entry.key()) && !flush()) {
                return false;
            }
            key = entry.key();
            if (takes(entry.db())) {
                entries.add(entry);
            }
            return true;
        }

        /** Hands the gathered key on; false once the visitor has stopped the selection. */
        boolean flush() throws IOException {
            if (key != null && !entries.isEmpty() && !stopped) {
                stopped = !visitor.visit(key, List.copyOf(entries));
            }
            key = null;
            entries.clear();
            return !stopped;
        }
    }
}
