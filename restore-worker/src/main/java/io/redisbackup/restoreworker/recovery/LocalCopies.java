package io.redisbackup.restoreworker.recovery;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;

/**
 * The RDBs of a backup in an object store, copied as stored (compressed, encrypted) onto this machine's disk while
 * {@link BackupVerifier} checks them, so that a whole-instance recovery transfers the backup from the store once:
 * its load then reads the copy. A second read is a second transfer of the whole backup, which on a bucket across a
 * network costs its time (where the link is slower than the target loads) and its egress; from the bench's s3proxy,
 * on the same machine, it cost next to nothing (0.26-0.28 s of s3proxy's CPU for two reads of 174 MB, 0.18-0.6 s
 * for one and the copy). Nothing is copied where the store is a local directory, where a file was stored before its
 * stored CRC32C was recorded (the check reads it plain), or where the disk has less free space than the copies plus
 * {@value #HEADROOM_BYTES} bytes: the load then reads the store. The copies go when this is closed.
 */
public final class LocalCopies implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalCopies.class);
    /** Free space left on the disk beside the copies. */
    static final long HEADROOM_BYTES = 1L << 30;

    private final BackupStore store;
    private final Manifest manifest;
    private final Path directory;
    private final Map<String, Path> copies = new HashMap<>();

    private LocalCopies(BackupStore store, Manifest manifest, Path directory) {
        this.store = store;
        this.manifest = manifest;
        this.directory = directory;
    }

    /** No copies: the load reads the store. */
    static LocalCopies none(BackupStore store, Manifest manifest) {
        return new LocalCopies(store, manifest, null);
    }

    /**
     * Copies of the backup's RDBs in a new folder under {@code base}, or none where they are not worth it or the
     * folder cannot be made (said in the log).
     */
    public static LocalCopies of(BackupStore store, Manifest manifest, Path base) {
        if (!store.remote() || manifest.rdbFiles().stream().anyMatch(f -> manifest.file(f).storedCrc32c() == null)) {
            return none(store, manifest);
        }
        long needed = manifest.rdbFiles().stream().mapToLong(f -> manifest.file(f).storedSize()).sum();
        try {
            Files.createDirectories(base);
            long free = Files.getFileStore(base).getUsableSpace();
            if (free < needed + HEADROOM_BYTES) {
                LOG.infof("Backup %s is read from the store twice: %s has %d bytes free, its copy would take %d",
                        manifest.backupId(), base, free, needed);
                return none(store, manifest);
            }
            return new LocalCopies(store, manifest, Files.createTempDirectory(base, "recovery-"));
        } catch (IOException e) {
            LOG.warnf("Backup %s is read from the store twice: no folder for its copy in %s (%s)", manifest.backupId(),
                    base, e.toString());
            return none(store, manifest);
        }
    }

    /** Whether the RDBs are copied. */
    public boolean copying() {
        return directory != null;
    }

    /** Where the check writes {@code file} as stored while it reads it; nowhere when nothing is copied. */
    OutputStream copyOf(String file) throws IOException {
        if (directory == null) {
            return OutputStream.nullOutputStream();
        }
        Path copy = directory.resolve(file);
        copies.put(file, copy);
        return new BufferedOutputStream(Files.newOutputStream(copy), 1 << 16);
    }

    /** {@code file} for the load: its copy, or the store's where it has none. */
    public InstanceLoader.RdbFile rdbFile(String file) {
        Path copy = copies.get(file);
        if (copy == null) {
            return InstanceLoader.RdbFile.stored(store, manifest, file);
        }
        return new InstanceLoader.RdbFile() {
            @Override
            public InputStream open() throws IOException {
                return store.openCopy(manifest, file, Files.newInputStream(copy));
            }

            @Override
            public SeekableByteChannel openChannel() throws IOException {
                return store.openCopy(manifest, file, Files.newByteChannel(copy));
            }
        };
    }

    /** Removes the copies; one that cannot be removed is said in the log, and the recovery's outcome stands. */
    @Override
    public void close() {
        if (directory == null) {
            return;
        }
        try {
            for (Path copy : copies.values()) {
                Files.deleteIfExists(copy);
            }
            Files.delete(directory);
        } catch (IOException e) {
            LOG.warnf("The copy of backup %s in %s was not removed: %s", manifest.backupId(), directory, e.toString());
        }
    }
}
