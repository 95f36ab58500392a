package io.redisbackup.backupstore.sealed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.OpenedFiles;
import io.redisbackup.backupstore.Sealing;
import io.redisbackup.backupstore.StagedBackup;
import io.redisbackup.backupstore.WriteBehind;
import io.redisbackup.backupstore.keyindex.KeyIndexReader;

/**
 * A backup store whose files are compressed and encrypted ({@link FramedFormat}) on their way into another store
 * (a directory, a bucket), and opened again on their way out: writers and readers see the plain RDB and key index,
 * whole or at any place. Each backup has its own random data key, kept in its manifest wrapped with the platform's
 * current key ({@link BackupKeys}); {@link #rewrap} wraps it again with a newer key without touching the data.
 * Backups stored plain (format 1, or with both settings off) are read as they are.
 */
public final class SealedBackupStore implements BackupStore, AutoCloseable {

    /**
     * What new backups get.
     * @param keys the platform's keys; empty for no encryption
     * @param zstdLevel the compression level; empty for no compression
     * @param adaptive whether an RDB's frames with few repeats may be compressed with lean tables, faster, when that
     *        costs at most a few percent of their size ({@link FrameCompressor})
     */
    public record Settings(Optional<BackupKeys> keys, Optional<Integer> zstdLevel, int frameBytes, boolean adaptive) {
        public Settings {
            if (frameBytes < 4096 || frameBytes > 16 << 20) {
                throw new IllegalArgumentException("frames of 4 KiB to 16 MiB");
            }
        }

        /** Adaptive compression. */
        public Settings(Optional<BackupKeys> keys, Optional<Integer> zstdLevel, int frameBytes) {
            this(keys, zstdLevel, frameBytes, true);
        }
    }

    /** What {@link #rewrap} did to one backup. */
    public enum Rewrap {
        /** Its data key is now wrapped with the current key. */
        REWRAPPED,
        /** It was already. */
        ALREADY_CURRENT,
        /** It is not encrypted: nothing to wrap. */
        NOT_ENCRYPTED,
        /** No such backup is published. */
        NOT_FOUND
    }

    private static final System.Logger LOG = System.getLogger(SealedBackupStore.class.getName());
    /**
     * About half a second of one core on an idle machine, 1.5-3.5 s beside services starting on two cores; once
     * (2,000 frames brought GCM down to its compiled cost).
     */
    private static final int WARM_UP_FRAMES = 2_500;

    /**
     * What opening files kept ({@link OpenedFiles}): a 1,000,000-key backup's RDB has a table of 14,000 frames (110
     * KiB) and its index a sparse part of 7,800 blocks (about 450 KiB); these budgets keep those of about twenty, a
     * small part of a worker's heap (256 MiB in the stack).
     */
    private static final long FRAME_TABLES_BUDGET = 4 << 20;
    /**
     * How many frames of a key index are sealed at once. Measured on the benchmark's 1,000,000-key index (49 MB,
     * zstd at about 290 MB/s on it): its merge took 70 ms, its sealing on one thread 250 ms after the last byte.
     */
    private static final int INDEX_SEALERS = Math.min(2, Runtime.getRuntime().availableProcessors());
    private static final long SPARSE_INDEXES_BUDGET = 8 << 20;

    private final BackupStore files;
    private final Settings settings;
    private final OpenedFiles<FramedChannel.Table> frameTables = new OpenedFiles<>(FRAME_TABLES_BUDGET,
            FramedChannel.Table::bytes);
    private final OpenedFiles<KeyIndexReader.Sparse> sparseIndexes = new OpenedFiles<>(SPARSE_INDEXES_BUDGET,
            KeyIndexReader.Sparse::bytes);

    public SealedBackupStore(BackupStore files, Settings settings) {
        this.files = files;
        this.settings = settings;
    }

    /**
     * Warms the frame codec on a thread of its own ({@link FrameCodec#warmUp}): at a service's start, so that the
     * first backups and recoveries after it do not seal and open their frames in the interpreter (a 100-key
     * recovery opens about 200 frames: 40-80 ms of its time in a worker just started, a few ms once warm).
     */
    public static void warmUp(boolean encrypted, Optional<Integer> zstdLevel, int frameBytes) {
        if (!encrypted && zstdLevel.isEmpty()) {
            return; // stored as they come: no codec
        }
        Thread.ofPlatform().daemon().name("frame-codec-warm-up").start(() -> {
            try {
                long took = FrameCodec.warmUp(frameBytes, encrypted, zstdLevel.orElse(null), WARM_UP_FRAMES);
                LOG.log(System.Logger.Level.INFO, "The frame codec is warm: {0} frames sealed and opened in {1} ms",
                        WARM_UP_FRAMES, took / 1_000_000);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Warming the frame codec failed: " + e, e);
            }
        });
    }

    /** A store that seals as this one does, over other files (a scratch directory). */
    public SealedBackupStore over(BackupStore otherFiles) {
        return new SealedBackupStore(otherFiles, settings);
    }

    /** A store that seals as this one does over its files' scratch place ({@link BackupStore#scratch}). */
    public Optional<SealedBackupStore> scratchStore() {
        return files.scratch().map(this::over);
    }

    /** This store without what opening files kept: it reads a backup as a worker that has not opened it yet. */
    public SealedBackupStore unopened() {
        return over(files);
    }

    @Override
    public int warmUpReads(int reads) throws IOException {
        return files.warmUpReads(reads);
    }

    @Override
    public StagedBackup stage(UUID instanceId, UUID backupId) throws IOException {
        StagedBackup staged = files.stage(instanceId, backupId);
        if (settings.keys().isEmpty() && settings.zstdLevel().isEmpty()) {
            return staged;
        }
        return new SealedStagedBackup(staged, instanceId, backupId);
    }

    @Override
    public Optional<Manifest> manifest(UUID instanceId, UUID backupId) throws IOException {
        return files.manifest(instanceId, backupId);
    }

    @Override
    public Optional<Manifest> latestManifest(UUID instanceId) throws IOException {
        return files.latestManifest(instanceId);
    }

    @Override
    public InputStream open(Manifest published, String file) throws IOException {
        if (published.sealing() == null) {
            return files.open(published, file);
        }
        FrameCodec codec = reader(published, file); // a key that does not open fails before any read of the file
        return new FramedInputStream(files.open(published, file), codec, published.file(file).sizeBytes());
    }

    @Override
    public InputStream openStored(Manifest published, String file) throws IOException {
        return files.open(published, file);
    }

    @Override
    public boolean remote() {
        return files.remote();
    }

    @Override
    public InputStream openCopy(Manifest published, String file, InputStream stored) throws IOException {
        if (published.sealing() == null) {
            return stored;
        }
        return new FramedInputStream(stored, readerOrClose(published, file, stored),
                published.file(file).sizeBytes());
    }

    @Override
    public SeekableByteChannel openChannel(Manifest published, String file) throws IOException {
        return openChannel(published, file, false);
    }

    /** @param withHead whether the first frame is wanted next ({@link FramedChannel#open}) */
    private SeekableByteChannel openChannel(Manifest published, String file, boolean withHead) throws IOException {
        if (published.sealing() == null) {
            return files.openChannel(published, file);
        }
        FrameCodec codec = reader(published, file); // a key that does not open fails before any read of the file
        OpenedFiles.FileOf opened = OpenedFiles.FileOf.of(published, file);
        FramedChannel.Table knownTable = frameTables.get(opened);
        FramedChannel channel = FramedChannel.open(files.openChannel(published, file), codec,
                published.file(file).sizeBytes(), knownTable, withHead);
        if (knownTable == null) {
            frameTables.put(opened, channel.table());
        }
        return channel;
    }

    /**
     * The key index, its sparse part read once for every opening of the same file while it is kept ({@link
     * OpenedFiles}): from object storage, that reading is two or three round trips one after the other.
     */
    @Override
    public KeyIndexReader openKeyIndex(Manifest published, String file) throws IOException {
        OpenedFiles.FileOf opened = OpenedFiles.FileOf.of(published, file);
        KeyIndexReader.Sparse known = sparseIndexes.get(opened);
        // the header is read next where the sparse part is not known: with the end, side by side
        SeekableByteChannel channel = openChannel(published, file, known == null);
        if (known != null) {
            return KeyIndexReader.open(channel, known);
        }
        KeyIndexReader index = KeyIndexReader.open(channel);
        sparseIndexes.put(opened, index.sparse());
        return index;
    }

    @Override
    public SeekableByteChannel openCopy(Manifest published, String file, SeekableByteChannel stored)
            throws IOException {
        if (published.sealing() == null) {
            return stored;
        }
        return FramedChannel.open(stored, readerOrClose(published, file, stored), published.file(file).sizeBytes(),
                null, false);
    }

    @Override
    public void replaceManifest(Manifest published) throws IOException {
        files.replaceManifest(published);
    }

    @Override
    public void delete(UUID instanceId, UUID backupId) throws IOException {
        files.delete(instanceId, backupId);
    }

    @Override
    public int removeAbandoned(Duration olderThan) throws IOException {
        return files.removeAbandoned(olderThan);
    }

    /**
     * Wraps the backup's data key again with the current platform key, if an older one wraps it: only its manifest
     * is rewritten (at once), never its data.
     */
    public Rewrap rewrap(UUID instanceId, UUID backupId) throws IOException {
        Optional<Manifest> found = files.manifest(instanceId, backupId);
        if (found.isEmpty()) {
            return Rewrap.NOT_FOUND;
        }
        Sealing sealing = found.get().sealing();
        if (sealing == null || !sealing.encrypted()) {
            return Rewrap.NOT_ENCRYPTED;
        }
        BackupKeys keys = settings.keys().orElseThrow(() -> new UnknownBackupKeyException(sealing.keyId()));
        if (sealing.keyId().equals(keys.currentId())) {
            return Rewrap.ALREADY_CURRENT;
        }
        byte[] dataKey = keys.unwrap(sealing.keyId(), sealing.wrappedKey(), instanceId, backupId);
        files.replaceManifest(found.get().rewrapped(
                sealing.rewrapped(keys.currentId(), keys.wrap(dataKey, instanceId, backupId))));
        return Rewrap.REWRAPPED;
    }

    /** The id of the key new backups are sealed with; empty when they are not encrypted. */
    public Optional<String> currentKeyId() {
        return settings.keys().map(BackupKeys::currentId);
    }

    @Override
    public void close() throws Exception {
        if (files instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** {@link #reader}, closing {@code stored} when there is none (its key does not open). */
    private FrameCodec readerOrClose(Manifest published, String file, java.io.Closeable stored) throws IOException {
        try {
            return reader(published, file);
        } catch (IOException | RuntimeException e) {
            try (stored) {
                throw e;
            }
        }
    }

    private FrameCodec reader(Manifest published, String file) throws IOException {
        Sealing sealing = published.sealing();
        byte[] dataKey = null;
        if (sealing.encrypted()) {
            BackupKeys keys = settings.keys().orElseThrow(() -> new UnknownBackupKeyException(sealing.keyId()));
            dataKey = keys.unwrap(sealing.keyId(), sealing.wrappedKey(), published.instanceId(),
                    published.backupId());
        }
        return new FrameCodec(file, sealing.frameBytes(), dataKey, null, false);
    }

    private final class SealedStagedBackup implements StagedBackup {
        private final StagedBackup staged;
        private final Sealing sealing;
        private final byte[] dataKey;
        private final Map<String, FramedOutputStream> created = new LinkedHashMap<>();

        SealedStagedBackup(StagedBackup staged, UUID instanceId, UUID backupId) {
            this.staged = staged;
            String compression = settings.zstdLevel().isPresent() ? Sealing.ZSTD : Sealing.NONE;
            if (settings.keys().isPresent()) {
                BackupKeys keys = settings.keys().get();
                this.dataKey = keys.newDataKey();
                this.sealing = new Sealing(settings.frameBytes(), compression, keys.currentId(),
                        keys.wrap(dataKey, instanceId, backupId));
            } else {
                this.dataKey = null;
                this.sealing = new Sealing(settings.frameBytes(), compression, null, null);
            }
        }

        @Override
        public OutputStream create(String file) throws IOException {
            return create(file, 1);
        }

        @Override
        public OutputStream create(String file, int atOnce) throws IOException {
            // a key index is written whole once the snapshot's last byte is in, when the server no longer needs a
            // core: its frames are sealed side by side (the RDB's, while the snapshot arrives, on one thread). Its
            // bytes compress as fast with lean tables as without (about 290 MB/s): its frames are not probed
            boolean index = file.endsWith(".idx");
            int sealers = index ? INDEX_SEALERS : 1;
            List<FrameCodec> codecs = new ArrayList<>();
            for (int i = 0; i < sealers; i++) {
                codecs.add(new FrameCodec(file, settings.frameBytes(), dataKey, settings.zstdLevel().orElse(null),
                        settings.adaptive() && !index));
            }
            FramedOutputStream out = new FramedOutputStream(staged.create(file), codecs, "seal-" + file);
            created.put(file, out);
            // frames are compressed and sealed on a thread of their own, not on the thread the snapshot arrives on;
            // unless the snapshots arriving at once already keep every core busy, where a thread more only takes
            // turns with them: a backup of a cluster of 3 masters and 1M keys on 2 cores took about 3% less time and
            // of the machine's CPU with its RDBs sealed on the shards' threads (less in 6 of 7 rounds of 5 each way)
            if (!index && atOnce >= Runtime.getRuntime().availableProcessors()) {
                return out;
            }
            return WriteBehind.closing(out, "seal-" + file);
        }

        @Override
        public Manifest publish(Manifest manifest) throws IOException {
            Map<String, Manifest.StoredFile> stored = new LinkedHashMap<>();
            for (Manifest.FileEntry entry : manifest.files()) {
                FramedOutputStream out = created.get(entry.name());
                if (out == null || out.plainBytes() != entry.sizeBytes()) {
                    throw new IOException(entry.name() + " has " + (out == null ? 0 : out.plainBytes())
                            + " bytes, the manifest says " + entry.sizeBytes());
                }
                stored.put(entry.name(), new Manifest.StoredFile(out.storedBytes(), out.storedCrc32c()));
            }
            return staged.publish(manifest.sealed(sealing, stored));
        }

        @Override
        public void discard() throws IOException {
            staged.discard();
        }

        @Override
        public void close() throws IOException {
            staged.close();
        }
    }
}
