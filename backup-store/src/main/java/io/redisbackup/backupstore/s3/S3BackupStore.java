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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups in an S3-compatible bucket: {@code <prefix>instances/<instanceId>/<backupId>/} holds {@code dump.rdb},
 * {@code keys.idx} and, written last, {@code manifest.json}. Each file is kept as objects of the part size,
 * {@code dump.rdb.000000}, {@code dump.rdb.000001}, ... ({@link StoredObjects}; the manifest says their size; a
 * backup stored before that has one object a file, which is still read): each is PUT as soon as it is full, a few in
 * flight, while the snapshot arrives, and the last one when the file ends, with nothing to complete after it
 * ({@link ObjectsUpload}). A backup is visible only once its manifest is in place, after every object of it; nobody
 * reads them without it. A backup staged again first removes what an earlier attempt left;
 * {@link #removeAbandoned} removes what writers that died left. A recovery of a few keys reads by ranged GETs
 * ({@link #openChannel}).
 */
public final class S3BackupStore implements BackupStore, AutoCloseable {

    /**
     * How objects are written: the size of each object a file is kept as (a "part") and how many may be in flight at
     * once; how many ranged GETs a keys recovery makes side by side, and how far apart two of its ranges may lie to
     * share one GET.
     */
    public record Uploads(int partBytes, int partsInFlight, int readsInFlight, int readGap) {
        /** The smallest part: S3's smallest part of a multipart upload, as backups were once uploaded. */
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

    /** How many objects' signed GETs are kept ({@link #signed}): about 2 KiB each. */
    private static final int SIGNED_OBJECTS = 512;
    /** How many DELETEs a backup's removal sends side by side. */
    private static final int DELETES_IN_FLIGHT = 8;
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
     * The ranged GETs of the objects read last, by key, each with its URL signed when first read: the SDK's presigner
     * takes 0.1-0.6 ms a URL, and a 100-key recovery of a million-key backup reads from some twenty objects.
     * Recoveries, dry runs and key histories of the same backups sign no URL again until it is due; a published
     * backup's objects never change, and backup ids are never reused.
     */
    private final Map<String, PresignedGets> signed;

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
        this.signed = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PresignedGets> eldest) {
                return size() > SIGNED_OBJECTS;
            }
        };
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
        this.signed = parent.signed;
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
        StoredObjects objects = storedObjects(published, file);
        if (objects.count() == 1) {
            return get(published, file, objects.key(0));
        }
        return new ObjectsInputStream(objects, key -> get(published, file, key), uploaders);
    }

    /** A GET of the object {@code key}, one of those {@code file} of the backup is kept as. */
    private InputStream get(Manifest published, String file, String key) throws IOException {
        try {
            return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(file + " of backup " + published.backupId() + " (object " + key + ")");
        } catch (SdkException e) {
            throw failed("reading " + file + " of backup " + published.backupId(), e);
        }
    }

    @Override
    public SeekableByteChannel openChannel(Manifest published, String file) {
        requireKnownFile(file);
        return new RangedChannel(storedObjects(published, file), readers, uploads.coalescing());
    }

    /** The objects {@code file} of the backup is kept as, as its manifest says. */
    private StoredObjects storedObjects(Manifest published, String file) {
        return new StoredObjects(key(published.instanceId(), published.backupId(), file),
                published.file(file).storedSize(), published.objectBytes(), this::presignedGets);
    }

    /** Ranged GETs of the object {@code key}, by a URL signed when it is first read: one of those kept, if it is. */
    PresignedGets presignedGets(String key) {
        synchronized (signed) {
            return signed.computeIfAbsent(key, this::newPresignedGets);
        }
    }

    private PresignedGets newPresignedGets(String key) {
        GetObjectRequest whole = GetObjectRequest.builder().bucket(bucket).key(key).build();
        return new PresignedGets(key, () -> presigner.presignGetObject(get -> get
                .signatureDuration(PresignedGets.VALID_FOR).getObjectRequest(whole)), Clock.systemUTC());
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
        try (RangedChannel channel = new RangedChannel(new StoredObjects(key, size, null, this::newPresignedGets),
                readers, RangedChannel.Coalescing.NONE)) {
            channel.readRanges(ranges);
        }
        return gets;
    }

    @Override
    public void replaceManifest(Manifest published) throws IOException {
        Manifest stored = manifest(published.instanceId(), published.backupId()).orElseThrow(() ->
                new NoSuchFileException("backup " + published.backupId() + " of instance " + published.instanceId()));
        // how the files are kept is the store's to say, whatever the new manifest's writer knew of it
        putManifest(published.inObjectsOf(stored.objectBytes()));
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
                    delete(left);
                    removed++;
                }
            }
            removed += removeUnpublished(before);
        } catch (SdkException e) {
            throw failed("removing what stopped writers left", e);
        }
        return removed;
    }

    /**
     * Deletes the objects of every backup without a manifest none of whose objects was written since {@code before}:
     * what writers that died left (a backup being written gets an object every part). One listing of the bucket
     * under the prefix, a backup's objects after one another; how many objects it deleted.
     */
    private int removeUnpublished(Instant before) {
        String root = prefix + "instances/";
        List<S3Object> backup = new ArrayList<>();
        String folder = null;
        int removed = 0;
        for (S3Object object : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(root)
                .build()).contents()) {
            String of = backupFolder(root, object.key());
            if (!Objects.equals(of, folder)) {
                removed += removeIfUnpublished(folder, backup, before);
                backup.clear();
                folder = of;
            }
            backup.add(object);
        }
        return removed + removeIfUnpublished(folder, backup, before);
    }

    /** {@code <root><instanceId>/<backupId>/} of an object's key; null for an object that is not a backup's. */
    private static String backupFolder(String root, String key) {
        int instanceEnd = key.indexOf('/', root.length());
        int backupEnd = instanceEnd < 0 ? -1 : key.indexOf('/', instanceEnd + 1);
        return backupEnd < 0 ? null : key.substring(0, backupEnd + 1);
    }

    private int removeIfUnpublished(String folder, List<S3Object> objects, Instant before) {
        if (folder == null || objects.stream().anyMatch(o -> o.key().equals(folder + Manifest.FILE_NAME)
                || o.lastModified().isAfter(before))) {
            return 0;
        }
        deleteAll(objects);
        return objects.size();
    }

    private void delete(S3Object object) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(object.key()).build());
    }

    /**
     * Deletes the objects, {@value #DELETES_IN_FLIGHT} DELETEs side by side: a backup is kept as an object every part
     * (8 MiB), so one of tens of GB is thousands of objects, minutes of DELETEs one after the other against a
     * service tens of ms away. One DELETE an object rather than a multi-object delete, which S3 asks to carry a
     * checksum that not every S3-compatible server takes in the form the SDK sends it.
     */
    private void deleteAll(List<S3Object> objects) {
        int lanes = Math.min(DELETES_IN_FLIGHT, objects.size());
        if (lanes <= 1) {
            objects.forEach(this::delete);
            return;
        }
        List<Future<?>> deleting = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            int first = lane;
            deleting.add(uploaders.submit(() -> {
                for (int i = first; i < objects.size(); i += lanes) {
                    delete(objects.get(i));
                }
            }));
        }
        try {
            for (Future<?> lane : deleting) {
                lane.get();
            }
        } catch (ExecutionException e) {
            deleting.forEach(lane -> lane.cancel(true));
            throw e.getCause() instanceof SdkException sdk ? sdk : SdkException.create("deleting failed", e.getCause());
        } catch (InterruptedException e) {
            deleting.forEach(lane -> lane.cancel(true));
            Thread.currentThread().interrupt();
            throw SdkException.create("interrupted while deleting", e);
        }
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
            // every object of it (each file's, a cluster backup's two files a shard), listed: the manifest may be
            // gone already
            deleteAll(s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + "instances/" + instanceId + "/" + backupId + "/").build()).contents().stream()
                    .toList());
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
        private final List<ObjectsUpload> files = new ArrayList<>();
        private boolean ended;

        S3StagedBackup(UUID instanceId, UUID backupId) {
            this.instanceId = instanceId;
            this.backupId = backupId;
        }

        @Override
        public OutputStream create(String file) {
            requireKnownFile(file);
            ObjectsUpload upload = new ObjectsUpload(s3, bucket, key(instanceId, backupId, file), uploaders,
                    uploads.partBytes(), uploads.partsInFlight());
            files.add(upload);
            return upload;
        }

        @Override
        public Manifest publish(Manifest manifest) throws IOException {
            if (S3BackupStore.this.manifest(instanceId, backupId).isPresent()) {
                throw new IOException("Backup " + backupId + " is already published");
            }
            Manifest stored = manifest.inObjectsOf((long) uploads.partBytes());
            Map<String, Long> sizes = new HashMap<>();
            try {
                for (S3Object object : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                        .prefix(key(instanceId, backupId, "")).build()).contents()) {
                    sizes.put(object.key(), object.size());
                }
            } catch (SdkException e) {
                throw failed("publishing backup " + backupId, e);
            }
            for (Manifest.FileEntry entry : stored.files()) {
                StoredObjects objects = storedObjects(stored, entry.name());
                for (int i = 0; i < objects.count(); i++) {
                    Long size = sizes.get(objects.key(i));
                    if (size == null || size != objects.length(i)) {
                        throw new IOException(entry.name() + " of backup " + backupId + " was not uploaded whole: "
                                + "object " + objects.key(i) + (size == null ? " is missing" : " has " + size
                                + " bytes, not " + objects.length(i)));
                    }
                }
            }
            putManifest(stored);
            ended = true;
            return stored;
        }

        @Override
        public void discard() throws IOException {
            ended = true;
            files.forEach(ObjectsUpload::stop);
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
