package io.redisbackup.apigateway.rest;

import java.io.IOException;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api/v1/backups")
@Tag(name = "Backups", description = "Backups of the instances: details, download, deletion")
public class BackupResource {

    private final BackupService backups;
    private final BackupDownloads downloads;

    public BackupResource(BackupService backups, BackupDownloads downloads) {
        this.backups = backups;
        this.downloads = downloads;
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
    @Produces({ MediaType.APPLICATION_OCTET_STREAM, "application/x-tar" })
    @RolesAllowed(Role.OPERATOR_NAME)
    @Operation(summary = "Download the backup as a standard RDB file",
            description = "Any Redis can load it. Content-Length is its size; X-Backup-SHA256 its SHA-256. The file is "
                    + "checked while it is sent: if it is damaged on the disk, the connection is cut before its last "
                    + "bytes and the backup becomes CORRUPT. A backup of a cluster has one RDB a shard: `shard` picks "
                    + "one; without it, every shard's RDB (shard-N.rdb) and the slot map (shards.json) come in one tar "
                    + "archive.")
    @APIResponse(responseCode = "409", description = "The backup is not (or no longer) available")
    public Response download(@PathParam("id") UUID id,
            @Parameter(description = "A cluster backup's shard, from 0") @QueryParam("shard") String shard)
            throws IOException {
        return downloads.of(id, shard);
    }

    @POST
    @Path("/{id}/verify")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.OPERATOR_NAME)
    @Operation(summary = "Run a restore drill of the backup now", description = "The restore worker loads the backup "
            + "into a scratch redis-server of its own (localhost, no persistence, removed after) and checks every "
            + "key and value against the backup's index and each database's key count; the VERIFY_BACKUP task "
            + "records the result, and the backup's verification becomes PASSED or FAILED. Nothing is sent to the "
            + "instance. A backup found damaged becomes CORRUPT. A dataset larger than the worker's memory allows "
            + "is refused (DRILL_NOT_ENOUGH_MEMORY) without a verdict.")
    @APIResponse(responseCode = "202", description = "Accepted; Location is the task")
    @APIResponse(responseCode = "409", description = "The backup is not SUCCEEDED")
    public Response verify(@PathParam("id") UUID id) {
        return new TaskAccepted(backups.requestVerification(id), id).asResponse();
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
