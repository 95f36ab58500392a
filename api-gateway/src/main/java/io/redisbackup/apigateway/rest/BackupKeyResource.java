package io.redisbackup.apigateway.rest;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupKeyService;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/backup-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Backup keys", description = "The platform's keys for backups at rest: the current one, and the rewrap "
        + "after a rotation")
public class BackupKeyResource {

    private final BackupKeyService keys;

    public BackupKeyResource(BackupKeyService keys) {
        this.keys = keys;
    }

    /** Which key seals new backups. */
    public record BackupKeysView(boolean encrypted, String currentKeyId) {
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Which platform key seals new backups",
            description = "Backups are encrypted at rest with a data key of their own, wrapped with the platform key "
                    + "named here (the first of backup-store.encryption.keys).")
    public BackupKeysView current() {
        return new BackupKeysView(keys.currentKeyId().isPresent(), keys.currentKeyId().orElse(null));
    }

    @POST
    @Path("/rewrap")
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Wrap every backup's data key with the current platform key",
            description = "After a rotation (a new key put first in backup-store.encryption.keys, the old one kept "
                    + "after it): each backup of the caller's projects sealed with an older key gets its data key "
                    + "wrapped with the current one. Only manifests are rewritten, never data; once every backup "
                    + "is rewrapped the old key can be removed. Safe to repeat.")
    @APIResponse(responseCode = "200", description = "How many backups were rewrapped, already current, not "
            + "encrypted or no longer in storage, and which could not be rewrapped (e.g. sealed with a key the "
            + "gateway does not have)")
    @APIResponse(responseCode = "409", description = "Backups are not encrypted (backup-store.encryption.enabled=false)")
    public BackupKeyService.RewrapReport rewrap() {
        String current = keys.currentKeyId().orElseThrow(() -> ApiProblem.conflict("ENCRYPTION_DISABLED",
                "Backups are not encrypted here (backup-store.encryption.enabled=false): there is no key to rewrap to."));
        return keys.rewrapAll(current);
    }
}
