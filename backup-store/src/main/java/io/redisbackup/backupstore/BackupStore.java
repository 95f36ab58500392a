package io.redisbackup.backupstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import io.redisbackup.backupstore.keyindex.KeyIndexReader;

/**
 * Where backups are kept. A backup is written into a staging area and becomes visible, all at once, only when
 * {@link StagedBackup#publish} is called with its manifest; until then no reader can see any of it.
 */
public interface BackupStore {

    /** The name of the RDB file in a backup, as the server sent it. */
    String RDB = "dump.rdb";
    /** The name of the key index file in a backup. */
    String KEY_INDEX = "keys.idx";

    /** The RDB of one shard of a cluster backup, as that shard's server sent it. */
    static String shardRdb(int shard) {
        return "shard-" + shard + ".rdb";
    }

    /** The key index of one shard of a cluster backup. */
    static String shardIndex(int shard) {
        return "shard-" + shard + ".idx";
    }

    /** Whether a backup may have a file of this name: the store's own names only ever become a path or a key. */
    static boolean isFileName(String file) {
        return RDB.equals(file) || KEY_INDEX.equals(file) || file.matches("shard-(0|[1-9][0-9]{0,3})\\.(rdb|idx)");
    }

    /** Starts writing a backup; nothing of it is visible until it is published. */
    StagedBackup stage(UUID instanceId, UUID backupId) throws IOException;

    /** The manifest of a published backup; empty while it is staged, after it is deleted, or if it never was. */
    Optional<Manifest> manifest(UUID instanceId, UUID backupId) throws IOException;

    /** The manifest of the instance's most recent published backup, if it has one. */
    Optional<Manifest> latestManifest(UUID instanceId) throws IOException;

    /**
     * Reads one file ({@link #RDB}, {@link #KEY_INDEX} or a shard's) of the backup whose manifest {@link #manifest} gave; a
     * {@link java.nio.file.NoSuchFileException} if it has been deleted since.
     */
    InputStream open(Manifest published, String file) throws IOException;

    /**
     * One file of a published backup as it is stored: framed (compressed, encrypted) where it was stored so, nothing
     * opened; what {@link Manifest.FileEntry#storedCrc32c} is the checksum of. The plain file where it is stored
     * plain.
     */
    default InputStream openStored(Manifest published, String file) throws IOException {
        return open(published, file);
    }

    /**
     * Whether reading a file costs a request to another service (an object store) rather than a read of a local
     * disk: a reader that needs a whole file twice keeps a copy of it ({@link #openCopy}) rather than read it again.
     */
    default boolean remote() {
        return false;
    }

    /**
     * The plain bytes of one file of a published backup, from a copy of it as stored ({@link #openStored}) kept
     * elsewhere; closing the result closes {@code stored}.
     */
    default InputStream openCopy(Manifest published, String file, InputStream stored) throws IOException {
        return stored;
    }

    /** {@link #openCopy(Manifest, String, InputStream)} for reads wherever they lie, as {@link #openChannel}. */
    default SeekableByteChannel openCopy(Manifest published, String file, SeekableByteChannel stored)
            throws IOException {
        return stored;
    }

    /**
     * Reads parts of one file of a published backup, wherever they lie: what recovering a few keys needs of a large
     * backup (the key index's blocks and those keys' entries in the RDB).
     */
    SeekableByteChannel openChannel(Manifest published, String file) throws IOException;

    /** The key index {@code file} of a published backup, read through {@link #openChannel}; closing it closes that. */
    default KeyIndexReader openKeyIndex(Manifest published, String file) throws IOException {
        return KeyIndexReader.open(openChannel(published, file));
    }

    /** Puts a new manifest in place of a published backup's, at once (a rewrap of its data key). */
    void replaceManifest(Manifest published) throws IOException;

    /** Removes a backup: its published files and whatever an attempt at it left staged; removing none does nothing. */
    void delete(UUID instanceId, UUID backupId) throws IOException;

    /**
     * Removes what writers that died left, begun more than {@code olderThan} ago (staged folders, unfinished
     * uploads) and never published; how many it removed. A backup still being written is younger than that.
     */
    int removeAbandoned(Duration olderThan) throws IOException;

    /**
     * Sends about {@code reads} reads the way a keys recovery reads (ranged, side by side), so that a service just
     * started does not pay for its first recoveries' reads in the interpreter; how many it sent. Nothing where reads
     * cost next to nothing to warm (a directory).
     */
    default int warmUpReads(int reads) throws IOException {
        return 0;
    }

    /**
     * A store over the same storage in a place of its own, which no listing of backups looks at: where a service's
     * warm-up keeps a scratch backup and reads it as recoveries read theirs. What it holds is the caller's to delete;
     * what a caller that died left, {@link #removeAbandoned} removes. Empty where reads cost next to nothing to warm
     * (a directory).
     */
    default Optional<BackupStore> scratch() {
        return Optional.empty();
    }
}
