package io.redisbackup.apigateway.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * A backup's download as the plain, standard RDB, checked while it is sent ({@link VerifiedDownload}): what the API
 * and the console both answer with.
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
        Backup backup = backups.find(id);
        Manifest manifest = backup.status == BackupStatus.SUCCEEDED
                ? store.manifest(backup.instanceId, backup.id).orElse(null) : null;
        if (manifest == null) {
            throw ApiProblem.conflict("BACKUP_NOT_AVAILABLE", "Backup " + id + " is " + backup.status
                    + "; only a SUCCEEDED backup can be downloaded.");
        }
        Manifest.FileEntry rdb = manifest.file(BackupStore.RDB);
        InputStream data;
        try {
            data = store.open(manifest, BackupStore.RDB);
        } catch (UnknownBackupKeyException e) {
            throw ApiProblem.conflict("BACKUP_KEY_UNKNOWN", "Backup " + id + " is sealed with key '" + e.keyId()
                    + "', which the gateway does not have (backup-store.encryption.keys).");
        }
        UUID backupId = backup.id;
        StreamingOutput verified = new VerifiedDownload(data, rdb.sizeBytes(), rdb.sha256(),
                damage -> backups.markCorrupt(backupId, new TaskError(TaskError.BACKUP_CHECKSUM_MISMATCH, damage)));
        return Response.ok(verified, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Length", rdb.sizeBytes())
                .header("Content-Disposition", "attachment; filename=\"backup-" + backup.id + ".rdb\"")
                .header(SHA256_HEADER, rdb.sha256())
                .header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(rdb.sha256())) + ":")
                .build();
    }

}
