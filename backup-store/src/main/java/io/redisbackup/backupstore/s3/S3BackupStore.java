package io.redisbackup.backupstore.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.StagedBackup;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups in an S3-compatible bucket: {@code <prefix>instances/<instanceId>/<backupId>/} holds {@code dump.rdb},
 * {@code keys.idx} and, written last, {@code manifest.json}. A backup is visible only once its manifest is in place:
 * its data objects are uploaded under their final names while the snapshot arrives (multipart, a few parts in
 * flight), and nobody reads them without the manifest. A backup staged again first removes what an earlier attempt
 * left; {@link #removeAbandoned} aborts the multipart uploads of writers that died. A recovery of a few keys reads
 * by ranged GETs ({@link #openChannel}).
 */
public final class S3BackupStore implements BackupStore, AutoCloseable {

    /**
     * How objects are written: the size of a part and how many may be in flight at once; how many ranged GETs a keys
     * recovery makes side by side, and how far apart two of its ranges may lie to share one GET.
     */
    public record Uploads(int partBytes, int partsInFlight, int readsInFlight, int readGap) {
        /** S3's smallest part (but the last). */
        public static final int MIN_PART = 5 << 20;
        public static final int READS_IN_FLIGHT = 8;
        public static final int READ_GAP = 256 << 10;
        private static final int MAX_READ_GAP = 16 << 20;

        public Uploads {
            if (partBytes < MIN_PART || partsInFlight < 1 || readsInFlight < 1) {
                throw new IllegalArgumentException("parts of at least 5 MiB, at least one in flight, at least one read");
            }
            if (readGap < 0 || readGap > MAX_READ_GAP) {
                throw new IllegalArgumentException("a read gap of 0 to 16 MiB");
            }
        }

        public Uploads(int partBytes, int partsInFlight) {
            this(partBytes, partsInFlight, READS_IN_FLIGHT, READ_GAP);
        }

        /** Which ranges a keys recovery's GETs join: those within the gap, a GET spanning 1 MiB or 4 gaps at most. */
        RangedChannel.Coalescing coalescing() {
            return new RangedChannel.Coalescing(readGap, Math.max(1 << 20, 4 * readGap));
        }
    }

    /** The size of the object {@link #warmUpReads} reads. */
    private static final int WARM_UP_BYTES = 64 << 10;
    /** Where, under the prefix, {@link #warmUpReads} puts its object. */
    private static final String WARM_UP_FOLDER = "warm-up/";
    /**
     * How far apart two ranges of a {@link #scratch} store may lie to share a GET: a frame or so, so that a plan over
     * a scratch backup of a few MiB sends tens of GETs, some of them joining two ranges, as a plan over a large backup
     * does (at the default gap it would read such a backup in a few GETs).
     */
    private static final int SCRATCH_READ_GAP = 16 << 10;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final Uploads uploads;
    private final ExecutorService uploaders;
    /** Where a keys recovery's ranged GETs go, {@link Uploads#readsInFlight} side by side. */
    private final ExecutorService readers;
    /** Whether closing this store ends those threads: a {@link #scratch} store shares its parent's. */
    private final boolean ownsThreads;

    /**
     * @param presigner signs the GETs a keys recovery sends by the hundred ({@link PresignedGets}): made with the same
     *                  region, endpoint, path style and credentials as {@code s3}
     * @param prefix    prepended to every object's name ("" for none; else ending with '/')
     */
    public S3BackupStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, Uploads uploads) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix;
        this.uploads = uploads;
        this.readers = Executors.newFixedThreadPool(uploads.readsInFlight(), Thread.ofPlatform().daemon().name("s3-read")
                .factory());
        this.uploaders = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("s3-upload").factory());
        this.ownsThreads = true;
    }

    private S3BackupStore(S3BackupStore parent, String prefix, Uploads uploads) {
        this.s3 = parent.s3;
        this.presigner = parent.presigner;
        this.bucket = parent.bucket;
        this.prefix = prefix;
        this.uploads = uploads;
        this.readers = parent.readers;
        this.uploaders = parent.uploaders;
        this.ownsThreads = false;
    }

    /**
     * A client for a store whose every stored byte is sealed and checked on reading: request bodies go unsigned over
     * plain HTTP as over HTTPS ({@link UnsignedPayload}), and the SDK adds and checks no checksums of its own (each
     * sealed frame has its AES-GCM tag, the manifest each file's SHA-256). Spares the snapshot two hashes of every
     * byte on the client and one or two on the server.
     */
    public static S3ClientBuilder forSealedBackups(S3ClientBuilder client) {
        return client.putAuthScheme(new UnsignedPayload())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }

    @Override
    public StagedBackup stage(UUID instanceId, UUID backupId) throws IOException {
        if (manifest(instanceId, backupId).isEmpty()) {
            // what an earlier attempt at this backup left when its worker died; one attempt runs at a time
            removeData(instanceId, backupId);
        }
        return new S3StagedBackup(instanceId, backupId);
    }

    @Override
    public Optional<Manifest> manifest(UUID instanceId, UUID backupId) throws IOException {
        try (InputStream in = s3.getObject(GetObjectRequest.builder().bucket(bucket)
                .key(key(instanceId, backupId, Manifest.FILE_NAME)).build())) {
            return Optional.of(Manifest.readFrom(in));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failed("reading the manifest of backup " + backupId, e);
        }
    }

    @Override
    public Optional<Manifest> latestManifest(UUID instanceId) throws IOException {
        Manifest latest = null;
        try {
            for (CommonPrefix backup : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + "instances/" + instanceId + "/").delimiter("/").build()).commonPrefixes()) {
                String[] parts = backup.prefix().split("/");
                UUID backupId;
                try {
                    backupId = UUID.fromString(parts[parts.length - 1]);
                } catch (IllegalArgumentException notABackup) {
                    continue;
                }
                Optional<Manifest> manifest = manifest(instanceId, backupId);
                if (manifest.isPresent() && (latest == null || manifest.get().finishedAt().isAfter(latest.finishedAt()))) {
                    latest = manifest.get();
                }
            }
        } catch (SdkException e) {
            throw failed("listing the backups of instance " + instanceId, e);
        }
        return Optional.ofNullable(latest);
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public InputStream open(Manifest published, String file) throws IOException {
        requireKnownFile(file);
        try {
            return s3.getObject(GetObjectRequest.builder().bucket(bucket)
                    .key(key(published.instanceId(), published.backupId(), file)).build());
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(file + " of backup " + published.backupId());
        } catch (SdkException e) {
            throw failed("reading " + file + " of backup " + published.backupId(), e);
        }
    }

    @Override
    public SeekableByteChannel openChannel(Manifest published, String file) {
        requireKnownFile(file);
        return rangedChannel(key(published.instanceId(), published.backupId(), file), published.file(file).storedSize(),
                uploads.coalescing());
    }

    private RangedChannel rangedChannel(String key, long size, RangedChannel.Coalescing coalescing) {
        GetObjectRequest whole = GetObjectRequest.builder().bucket(bucket).key(key).build();
        PresignedGets gets = new PresignedGets(key, () -> presigner.presignGetObject(get -> get
                .signatureDuration(PresignedGets.VALID_FOR).getObjectRequest(whole)), Clock.systemUTC());
        return new RangedChannel(gets, size, readers, coalescing);
    }

    /**
     * Sends {@code gets} small ranged GETs, {@link Uploads#readsInFlight} side by side, along the path a keys
     * recovery's reads take (signing, the JDK's HTTP client and its kept connections, the readers): a worker just
     * started compiles that path here instead of in its first recoveries. They read an object of its own, put under
     * {@code <prefix>warm-up/} and deleted after; where the worker may not write, the first object stored under the
     * prefix. How many GETs it sent: none when it could neither write nor find a backup to read.
     */
    @Override
    public int warmUpReads(int gets) throws IOException {
        String own = prefix + WARM_UP_FOLDER + UUID.randomUUID();
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(own).build(),
                    RequestBody.fromBytes(new byte[WARM_UP_BYTES]));
        } catch (SdkException mayNotWrite) {
            S3Object stored = firstStored();
            return stored == null ? 0 : readRanges(stored.key(), stored.size(), gets);
        }
        try {
            return readRanges(own, WARM_UP_BYTES, gets);
        } finally {
            try {
                s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(own).build());
            } catch (SdkException e) {
                // 64 KiB left under warm-up/, which removeAbandoned deletes later
            }
        }
    }

    /**
     * A store in the same bucket under {@code <prefix>warm-up/<random>/}, which no listing of backups looks at,
     * sharing this store's client and threads: where a worker's warm-up stores a scratch backup and reads it as keys
     * recoveries read theirs. Its ranges are joined only within {@link #SCRATCH_READ_GAP}. What it holds is the
     * caller's to delete; what a worker that died left, {@link #removeAbandoned} removes.
     */
    @Override
    public Optional<BackupStore> scratch() {
        return Optional.of(new S3BackupStore(this, prefix + WARM_UP_FOLDER + UUID.randomUUID() + "/",
                new Uploads(uploads.partBytes(), uploads.partsInFlight(), uploads.readsInFlight(),
                        Math.min(uploads.readGap(), SCRATCH_READ_GAP))));
    }

    /** The first object stored under the prefix; null when there is none. */
    private S3Object firstStored() throws IOException {
        try {
            List<S3Object> listed = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + "instances/").maxKeys(1).build()).contents();
            return listed.isEmpty() ? null : listed.get(0);
        } catch (SdkException e) {
            throw failed("listing the bucket", e);
        }
    }

    /** {@code gets} ranges of up to 64 bytes spread over the object, read as a keys recovery reads; how many. */
    private int readRanges(String key, long size, int gets) throws IOException {
        if (size == 0) {
            return 0;
        }
        List<RangeReads.Range> ranges = new ArrayList<>(gets);
        for (int i = 0; i < gets; i++) {
            long position = i * 4_099L % size;
            ranges.add(new RangeReads.Range(position, (int) Math.min(64, size - position)));
        }
        // each range a GET of its own: the warm-up is of the GETs, which nearby ranges would share
        try (RangedChannel channel = rangedChannel(key, size, RangedChannel.Coalescing.NONE)) {
            channel.readRanges(ranges);
        }
        return gets;
    }

    @Override
    public void replaceManifest(Manifest published) throws IOException {
        if (manifest(published.instanceId(), published.backupId()).isEmpty()) {
            throw new NoSuchFileException("backup " + published.backupId() + " of instance " + published.instanceId());
        }
        putManifest(published);
    }

    /** One PUT: S3 replaces an object whole, so a reader sees the old manifest or the new one. */
    private void putManifest(Manifest manifest) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        manifest.writeTo(json);
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket)
                    .key(key(manifest.instanceId(), manifest.backupId(), Manifest.FILE_NAME)).build(),
                    RequestBody.fromBytes(json.toByteArray()));
        } catch (SdkException e) {
            throw failed("writing the manifest of backup " + manifest.backupId(), e);
        }
    }

    @Override
    public void delete(UUID instanceId, UUID backupId) throws IOException {
        try {
            // the manifest goes first: from then on the backup is not visible, whatever else a crash leaves behind
            s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket)
                    .key(key(instanceId, backupId, Manifest.FILE_NAME)).build());
        } catch (SdkException e) {
            throw failed("deleting backup " + backupId, e);
        }
        removeData(instanceId, backupId);
    }

    /**
     * Aborts the multipart uploads that nothing has added to for {@code olderThan} (begun and last given a part as
     * long ago): those of writers that died mid-upload, not those of a large backup still arriving; and deletes the
     * objects {@link #warmUpReads} and {@link #scratch} stores' writers put as long ago: those of workers that died
     * while warming up.
     */
    @Override
    public int removeAbandoned(Duration olderThan) throws IOException {
        Instant before = Instant.now().minus(olderThan);
        int removed = 0;
        try {
            for (MultipartUpload upload : uploadsUnder(prefix + "instances/")) {
                if (abortIfAbandoned(upload, before)) {
                    removed++;
                }
            }
            for (S3Object left : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + WARM_UP_FOLDER).build()).contents()) {
                if (!left.lastModified().isAfter(before)) {
                    s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(left.key()).build());
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw failed("removing what stopped writers left", e);
        }
        return removed;
    }

    @Override
    public void close() {
        if (ownsThreads) {
            uploaders.shutdownNow();
            readers.shutdownNow();
        }
    }

    private void removeData(UUID instanceId, UUID backupId) throws IOException {
        try {
            // every file of it (a cluster backup has two a shard), listed: the manifest may be gone already
            for (S3Object object : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + "instances/" + instanceId + "/" + backupId + "/").build()).contents()) {
                s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(object.key()).build());
            }
            for (MultipartUpload upload : uploadsUnder(prefix + "instances/" + instanceId + "/" + backupId + "/")) {
                try {
                    abort(upload);
                } catch (NoSuchUploadException gone) {
                    // aborted since it was listed, by a sweep: nothing left to do
                }
            }
        } catch (SdkException e) {
            throw failed("removing what is left of backup " + backupId, e);
        }
    }

    private List<MultipartUpload> uploadsUnder(String keyPrefix) {
        List<MultipartUpload> found = new ArrayList<>();
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            ListMultipartUploadsResponse page = s3.listMultipartUploads(ListMultipartUploadsRequest.builder()
                    .bucket(bucket).prefix(keyPrefix).keyMarker(keyMarker).uploadIdMarker(uploadIdMarker).build());
            found.addAll(page.uploads());
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return found;
            }
            keyMarker = page.nextKeyMarker();
            uploadIdMarker = page.nextUploadIdMarker();
        }
    }

    /**
     * Aborts the upload if nothing was added to it since {@code before}; whether it did. An upload that ended since
     * it was listed (its writer completed it, or another worker's sweep aborted it) is passed over: one such upload
     * must not stop the sweep of the others.
     */
    private boolean abortIfAbandoned(MultipartUpload upload, Instant before) {
        try {
            if (upload.initiated().isAfter(before) || lastPartAfter(upload, before)) {
                return false;
            }
            abort(upload);
            return true;
        } catch (NoSuchUploadException gone) {
            return false;
        }
    }

    /** Whether a part of the upload arrived after {@code before}: its writer is still at work. */
    private boolean lastPartAfter(MultipartUpload upload, Instant before) {
        return s3.listPartsPaginator(ListPartsRequest.builder().bucket(bucket).key(upload.key())
                .uploadId(upload.uploadId()).build()).parts().stream()
                .anyMatch(part -> part.lastModified() != null && part.lastModified().isAfter(before));
    }

    private void abort(MultipartUpload upload) {
        s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(upload.key())
                .uploadId(upload.uploadId()).build());
    }

    private String key(UUID instanceId, UUID backupId, String file) {
        // UUIDs and the store's own file names only: no name from outside ever becomes a key
        return prefix + "instances/" + instanceId + "/" + backupId + "/" + file;
    }

    private static void requireKnownFile(String file) {
        if (!BackupStore.isFileName(file)) {
            throw new IllegalArgumentException("Not a backup file: " + file);
        }
    }

    private static IOException failed(String what, SdkException e) {
        return new IOException("Object storage failed " + what + ": " + e.getMessage(), e);
    }

    private final class S3StagedBackup implements StagedBackup {
        private final UUID instanceId;
        private final UUID backupId;
        private final List<StreamingUpload> objects = new ArrayList<>();
        private boolean ended;

        S3StagedBackup(UUID instanceId, UUID backupId) {
            this.instanceId = instanceId;
            this.backupId = backupId;
        }

        @Override
        public OutputStream create(String file) {
            requireKnownFile(file);
            StreamingUpload upload = new StreamingUpload(s3, bucket, key(instanceId, backupId, file), uploaders,
                    uploads.partBytes(), uploads.partsInFlight());
            objects.add(upload);
            return upload;
        }

        @Override
        public Manifest publish(Manifest manifest) throws IOException {
            if (S3BackupStore.this.manifest(instanceId, backupId).isPresent()) {
                throw new IOException("Backup " + backupId + " is already published");
            }
            try {
                for (Manifest.FileEntry entry : manifest.files()) {
                    long size = s3.headObject(HeadObjectRequest.builder().bucket(bucket)
                            .key(key(instanceId, backupId, entry.name())).build()).contentLength();
                    if (size != entry.storedSize()) {
                        throw new IOException(entry.name() + " has " + size + " bytes, the manifest says "
                                + entry.storedSize());
                    }
                }
            } catch (NoSuchKeyException e) {
                throw new IOException("A file of backup " + backupId + " was not uploaded", e);
            } catch (S3Exception e) {
                throw failed("publishing backup " + backupId, e);
            }
            putManifest(manifest);
            ended = true;
            return manifest;
        }

        @Override
        public void discard() throws IOException {
            ended = true;
            objects.forEach(StreamingUpload::abort);
            removeData(instanceId, backupId);
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                discard();
            }
        }
    }
}
