package io.redisbackup.backupstore;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Backups in a directory: {@code <root>/instances/<instanceId>/<backupId>/} holds {@code dump.rdb},
 * {@code keys.idx} and {@code manifest.json}. A backup is written under {@code <root>/staging/} and moved into
 * place in one rename, so a reader sees all of it or nothing; staging folders left by a crash are never read, and
 * are removed when the same backup is staged again. Not final: a test may make one that says it is remote.
 */
public class LocalDirectoryBackupStore implements BackupStore {

    private final Path root;

    public LocalDirectoryBackupStore(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        Files.createDirectories(this.root.resolve("staging"));
        Files.createDirectories(this.root.resolve("instances"));
    }

    @Override
    public StagedBackup stage(UUID instanceId, UUID backupId) throws IOException {
        // what an earlier attempt at this backup left when its worker died; one attempt runs at a time
        deleteStaged(backupId);
        Path staging = Files.createTempDirectory(root.resolve("staging"), backupId + "-");
        return new LocalStagedBackup(staging, backupDir(instanceId, backupId));
    }

    @Override
    public Optional<Manifest> manifest(UUID instanceId, UUID backupId) throws IOException {
        try (InputStream in = Files.newInputStream(backupDir(instanceId, backupId).resolve(Manifest.FILE_NAME))) {
            return Optional.of(Manifest.readFrom(in));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Manifest> latestManifest(UUID instanceId) throws IOException {
        Path dir = root.resolve("instances").resolve(instanceId.toString());
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Manifest latest = null;
        try (Stream<Path> backups = Files.list(dir)) {
            for (Path backup : backups.toList()) {
                Optional<Manifest> manifest;
                try {
                    manifest = manifest(instanceId, UUID.fromString(backup.getFileName().toString()));
                } catch (IllegalArgumentException notABackup) {
                    continue;
                }
                if (manifest.isPresent() && (latest == null || manifest.get().finishedAt().isAfter(latest.finishedAt()))) {
                    latest = manifest.get();
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    @Override
    public InputStream open(Manifest published, String file) throws IOException {
        return Files.newInputStream(publishedFile(published, file));
    }

    @Override
    public SeekableByteChannel openChannel(Manifest published, String file) throws IOException {
        return Files.newByteChannel(publishedFile(published, file), StandardOpenOption.READ);
    }

    @Override
    public void replaceManifest(Manifest published) throws IOException {
        Path dir = backupDir(published.instanceId(), published.backupId());
        if (!Files.exists(dir.resolve(Manifest.FILE_NAME))) {
            throw new NoSuchFileException("backup " + published.backupId() + " of instance " + published.instanceId());
        }
        Path next = Files.createTempFile(dir, "manifest-", ".json");
        try {
            try (OutputStream out = Files.newOutputStream(next)) {
                published.writeTo(out);
            }
            LocalStagedBackup.force(next);
            Files.move(next, dir.resolve(Manifest.FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            LocalStagedBackup.force(dir);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    private Path publishedFile(Manifest published, String file) {
        requireKnownFile(file);
        return backupDir(published.instanceId(), published.backupId()).resolve(file);
    }

    @Override
    public void delete(UUID instanceId, UUID backupId) throws IOException {
        Path dir = backupDir(instanceId, backupId);
        // the manifest goes first: from then on the backup is not visible, whatever else a crash leaves behind
        Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME));
        deleteTree(dir);
        deleteStaged(backupId);
    }

    @Override
    public int removeAbandoned(Duration olderThan) throws IOException {
        Instant before = Instant.now().minus(olderThan);
        int removed = 0;
        try (Stream<Path> staged = Files.list(root.resolve("staging"))) {
            for (Path leftover : staged.toList()) {
                if (!lastWritten(leftover).isAfter(before)) {
                    deleteTree(leftover);
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * When anything in a staged folder was last written: the folder's own time changes only when a file is made in
     * it, not while a large backup's file grows.
     */
    private static Instant lastWritten(Path staged) throws IOException {
        try (Stream<Path> all = Files.walk(staged)) {
            Instant last = Instant.EPOCH;
            for (Path path : all.toList()) {
                Instant written = Files.getLastModifiedTime(path).toInstant();
                last = written.isAfter(last) ? written : last;
            }
            return last;
        } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException movedMeanwhile) {
            return Instant.MAX; // published or removed while it was looked at: not abandoned
        }
    }

    private void deleteStaged(UUID backupId) throws IOException {
        try (Stream<Path> leftovers = Files.list(root.resolve("staging"))) {
            for (Path leftover : leftovers.filter(p -> p.getFileName().toString().startsWith(backupId + "-")).toList()) {
                deleteTree(leftover);
            }
        }
    }

    private Path backupDir(UUID instanceId, UUID backupId) {
        // UUIDs only: no name from outside ever becomes a path
        return root.resolve("instances").resolve(instanceId.toString()).resolve(backupId.toString());
    }

    private static void requireKnownFile(String file) {
        if (!BackupStore.isFileName(file)) {
            throw new IllegalArgumentException("Not a backup file: " + file);
        }
    }

    /** Deletes {@code dir} and everything under it; nothing when it is not there. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static final class LocalStagedBackup implements StagedBackup {
        private final Path staging;
        private final Path target;
        private boolean ended;

        LocalStagedBackup(Path staging, Path target) {
            this.staging = staging;
            this.target = target;
        }

        @Override
        public OutputStream create(String file) throws IOException {
            requireKnownFile(file);
            FileChannel channel = FileChannel.open(staging.resolve(file), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            return new BufferedOutputStream(new SyncedOnClose(channel), 1 << 16);
        }

        @Override
        public Manifest publish(Manifest manifest) throws IOException {
            for (Manifest.FileEntry entry : manifest.files()) {
                long size = Files.size(staging.resolve(entry.name()));
                if (size != entry.storedSize()) {
                    throw new IOException(entry.name() + " has " + size + " bytes, the manifest says "
                            + entry.storedSize());
                }
            }
            try (OutputStream out = Files.newOutputStream(staging.resolve(Manifest.FILE_NAME))) {
                manifest.writeTo(out);
            }
            // on disk before it is published, and published on disk before anyone is told (as redis-cli --rdb fsyncs)
            for (Manifest.FileEntry entry : manifest.files()) {
                force(staging.resolve(entry.name()));
            }
            force(staging.resolve(Manifest.FILE_NAME));
            force(staging);
            Files.createDirectories(target.getParent());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("Backup " + target.getFileName() + " is already published", e);
            }
            force(target.getParent());
            ended = true;
            return manifest;
        }

        /**
         * A staged file that is on the disk once its stream is closed: a writer that closes a file as soon as it is
         * whole has it written through while it goes on with other work, and {@link #publish} finds little left.
         */
        private static final class SyncedOnClose extends FilterOutputStream {
            private final FileChannel channel;
            private boolean closed;

            SyncedOnClose(FileChannel channel) {
                super(Channels.newOutputStream(channel));
                this.channel = channel;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try (OutputStream closing = out) {
                    channel.force(true);
                }
            }
        }

        /** Writes a file's or a folder's data and metadata through to the disk. */
        private static void force(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, Files.isDirectory(path) ? StandardOpenOption.READ
                    : StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }

        @Override
        public void discard() throws IOException {
            deleteTree(staging);
            ended = true;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                discard();
            }
        }
    }
}
