package io.redisbackup.apigateway.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.restproblems.QueryParameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * A backup's download as the plain, standard RDB, checked while it is sent ({@link VerifiedDownload}): what the API
 * and the console both answer with. A cluster backup downloads as one shard's RDB, or all of them in a tar archive.
 */
@ApplicationScoped
public class BackupDownloads {

    /** The SHA-256 of the downloaded file, hex; {@code Repr-Digest} (RFC 9530) carries it too. */
    public static final String SHA256_HEADER = "X-Backup-SHA256";

    private final BackupService backups;
    private final BackupStore store;

    public BackupDownloads(BackupService backups, BackupStore store) {
        this.backups = backups;
        this.store = store;
    }

    /** The response that streams the backup's RDB; 404 for a backup the caller does not see, 409 if not available. */
    public Response of(UUID id) throws IOException {
        return of(id, null);
    }

    /**
     * The backup's RDB; of a cluster backup, one shard's ({@code shard}, its number) or, without one, every shard's
     * RDB in one tar archive with the slot map beside them ({@code shards.json}). Each file is checked while it is
     * sent. 400 for a shard the backup does not have.
     */
    public Response of(UUID id, String shard) throws IOException {
        Backup backup = backups.find(id);
        Manifest manifest = backup.status == BackupStatus.SUCCEEDED
                ? store.manifest(backup.instanceId, backup.id).orElse(null) : null;
        if (manifest == null) {
            throw ApiProblem.conflict("BACKUP_NOT_AVAILABLE", "Backup " + id + " is " + backup.status
                    + "; only a SUCCEEDED backup can be downloaded.");
        }
        if (!manifest.cluster()) {
            if (shard != null) {
                throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Backup " + id + " is of a single "
                        + "server: it has no shards.", List.of(new ApiProblem.FieldError("shard",
                                "is only for a backup of a cluster")));
            }
            return file(backup, manifest, BackupStore.RDB, "backup-" + backup.id + ".rdb");
        }
        if (shard != null) {
            List<ApiProblem.FieldError> errors = new ArrayList<>();
            int number = QueryParameters.bounded(shard, "shard", 0, manifest.shards().size() - 1, 0, errors);
            QueryParameters.refuseIfAny(errors);
            return file(backup, manifest, BackupStore.shardRdb(number), "backup-" + backup.id + "-shard-" + number
                    + ".rdb");
        }
        return archive(backup, manifest);
    }

    private Response file(Backup backup, Manifest manifest, String file, String fileName) throws IOException {
        Manifest.FileEntry rdb = manifest.file(file);
        return Response.ok(verified(backup, manifest, file), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Length", rdb.sizeBytes())
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .header(SHA256_HEADER, rdb.sha256())
                .header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(rdb.sha256())) + ":")
                .build();
    }

    /** Every shard's RDB, then the slot map: {@code shard-N.rdb} and {@code shards.json}, in one tar archive. */
    private Response archive(Backup backup, Manifest manifest) throws IOException {
        List<TarArchive.Entry> entries = new ArrayList<>();
        for (Manifest.Shard shard : manifest.shards()) {
            StreamingOutput content = verified(backup, manifest, shard.rdbFile());
            entries.add(new TarArchive.Entry(shard.rdbFile(), manifest.file(shard.rdbFile()).sizeBytes(), content));
        }
        byte[] slotMap = SLOT_MAP.writeValueAsBytes(manifest.shards());
        entries.add(new TarArchive.Entry("shards.json", slotMap.length, out -> out.write(slotMap)));
        TarArchive tar = new TarArchive(entries, manifest.finishedAt().getEpochSecond());
        return Response.ok(tar, "application/x-tar")
                .header("Content-Length", tar.length())
                .header("Content-Disposition", "attachment; filename=\"backup-" + backup.id + ".tar\"")
                .build();
    }

    /** One stored file, checked while it is sent; a damaged one marks the backup CORRUPT. */
    private StreamingOutput verified(Backup backup, Manifest manifest, String file) throws IOException {
        Manifest.FileEntry entry = manifest.file(file);
        InputStream data;
        try {
            data = store.open(manifest, file);
        } catch (UnknownBackupKeyException e) {
            throw ApiProblem.conflict("BACKUP_KEY_UNKNOWN", "Backup " + backup.id + " is sealed with key '" + e.keyId()
                    + "', which the gateway does not have (backup-store.encryption.keys).");
        }
        UUID backupId = backup.id;
        return new VerifiedDownload(data, entry.sizeBytes(), entry.sha256(),
                damage -> backups.markCorrupt(backupId, new TaskError(TaskError.BACKUP_CHECKSUM_MISMATCH, damage)));
    }

    private static final ObjectMapper SLOT_MAP = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
}
