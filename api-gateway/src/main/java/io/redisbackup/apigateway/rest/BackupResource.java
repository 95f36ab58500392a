package io.redisbackup.apigateway.rest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.backupstore.sealed.UnknownBackupKeyException;
import io.redisbackup.contracts.TaskError;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

@Path("/api/v1/backups")
@Tag(name = "Backups", description = "Backups of the instances: details, download, deletion")
public class BackupResource {

    /** The SHA-256 of the downloaded file, hex; {@code Repr-Digest} (RFC 9530) carries it too. */
    public static final String SHA256_HEADER = "X-Backup-SHA256";

    private final BackupService backups;
    private final BackupStore store;

    public BackupResource(BackupService backups, BackupStore store) {
        this.backups = backups;
        this.store = store;
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "Get a backup")
    public BackupView get(@PathParam("id") UUID id) {
        return BackupView.of(backups.find(id));
    }

    @GET
    @Path("/{id}/rdb")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Role.OPERATOR_NAME)
    @Operation(summary = "Download the backup as a standard RDB file",
            description = "Any Redis can load it. Content-Length is its size; X-Backup-SHA256 its SHA-256. The file is "
                    + "checked while it is sent: if it is damaged on the disk, the connection is cut before its last "
                    + "bytes and the backup becomes CORRUPT.")
    @APIResponse(responseCode = "409", description = "The backup is not (or no longer) available")
    public Response download(@PathParam("id") UUID id) throws IOException {
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

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Delete a backup", description = "Its data and its catalogue entry, by a DELETE_BACKUP task.")
    @APIResponse(responseCode = "202", description = "Accepted; Location is the task")
    @APIResponse(responseCode = "409", description = "The backup is still being taken or deleted")
    public Response delete(@PathParam("id") UUID id) {
        return new TaskAccepted(backups.requestDeletion(id), id).asResponse();
    }
}
