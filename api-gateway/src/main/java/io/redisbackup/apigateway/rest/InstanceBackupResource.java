package io.redisbackup.apigateway.rest;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.apigateway.service.InstanceService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An instance's backups: taking one now, and the list. */
@Path("/api/v1/instances/{id}/backups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Instances", description = "Redis servers registered for backup")
public class InstanceBackupResource {

    private final InstanceService instances;
    private final BackupService backups;

    public InstanceBackupResource(InstanceService instances, BackupService backups) {
        this.instances = instances;
        this.backups = backups;
    }

    @POST
    @RolesAllowed(Role.OPERATOR_NAME)
    @Operation(summary = "Back up the instance now", description = "A manual backup, kept until deleted or for "
            + "retentionDays. Answers at once with the task to follow.")
    @APIResponse(responseCode = "202", description = "Accepted; Location is the task")
    @APIResponse(responseCode = "409", description = "A manual backup of the instance is under way; taskId names it")
    public Response backUp(@PathParam("id") UUID id, @Valid BackupRequest body) {
        Backup backup = backups.requestManualBackup(id, body == null ? null : body.retentionDays(),
                body == null ? null : body.maxBytesPerSecond());
        return new TaskAccepted(backup.taskId, backup.id).asResponse();
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "List the instance's backups, newest first")
    public List<BackupView> backups(@PathParam("id") UUID id) {
        return Backup.ofInstance(instances.find(id).id).stream().map(BackupView::of).toList();
    }

    /** Options of a manual backup. */
    public record BackupRequest(@Min(1) @Max(730) Integer retentionDays,
            @Schema(description = "The most bytes a second this backup reads from the instance, instead of the "
                    + "instance's backupMaxBytesPerSecond; at least 1 MiB/s", examples = "52428800")
            @Min(1048576) Long maxBytesPerSecond) {
    }
}
