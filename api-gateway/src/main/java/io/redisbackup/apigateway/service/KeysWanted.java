package io.redisbackup.apigateway.service;

import java.util.List;
import java.util.Set;

import io.redisbackup.backupstore.keyindex.KeyPattern;
import io.redisbackup.backupstore.keyindex.KeySelection;

/**
 * What a KEYS recovery asks for: keys by name, glob patterns over names, and the databases to take them from (every
 * database when empty).
 */
public record KeysWanted(List<byte[]> keys, List<byte[]> patterns, List<Integer> databases) {

    /** These keys, in every database. */
    public static KeysWanted named(List<byte[]> keys) {
        return new KeysWanted(keys, List.of(), List.of());
    }

    /** The selection to run over a backup's key index. */
    public KeySelection selection() {
        return new KeySelection(keys, patterns.stream().map(KeyPattern::of).toList(), Set.copyOf(databases));
    }
}
