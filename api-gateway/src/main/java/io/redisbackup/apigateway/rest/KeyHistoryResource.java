package io.redisbackup.apigateway.rest;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.apigateway.service.KeyHistory;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** One key of an instance through its backups. */
@Path("/api/v1/instances/{id}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Instances", description = "Redis servers registered for backup")
public class KeyHistoryResource {

    /** How many backups a history covers unless asked for fewer or more, and at most. */
    static final int DEFAULT_BACKUPS = 100;
    static final int MAX_BACKUPS = 1000;

    private final KeyHistory history;
    private final InstanceService instances;

    public KeyHistoryResource(KeyHistory history, InstanceService instances) {
        this.history = history;
        this.instances = instances;
    }

    @GET
    @Path("/history")
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "A key through the instance's backups, newest first", description = "For each backup that "
            + "succeeded: whether it holds the key and, in each database that does, its type, size, TTL when the "
            + "backup was taken, and the SHA-256 of its value as stored (the same value stored the same way has "
            + "the same checksum), to find the backup in which the key last had the value wanted. One index lookup "
            + "and one read of the key's bytes per backup.")
    @APIResponse(responseCode = "200", description = "The key's history")
    @APIResponse(responseCode = "400", description = "No key, or both key and keyBase64, or keyBase64 not Base64")
    public KeyHistory.History history(@PathParam("id") UUID id,
            @Parameter(description = "the key as UTF-8 text") @QueryParam("key") String key,
            @Parameter(description = "the key's bytes in Base64, for keys that are not UTF-8") @QueryParam("keyBase64") String keyBase64,
            @Parameter(description = "how many of the newest backups, 1 to 1000 (100)") @QueryParam("backups") String backups) {
        instances.find(id); // an instance the caller does not see is absent, whatever the query says
        return history.of(id, key(key, keyBase64), count(backups));
    }

    private static byte[] key(String key, String keyBase64) {
        if ((key == null) == (keyBase64 == null)) {
            throw invalid("key", "give the key one way: key (UTF-8) or keyBase64");
        }
        byte[] bytes;
        try {
            bytes = key != null ? key.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : Base64.getDecoder().decode(keyBase64.strip());
        } catch (IllegalArgumentException e) {
            throw invalid("keyBase64", "is not Base64");
        }
        if (bytes.length == 0) {
            throw invalid(key != null ? "key" : "keyBase64", "names no key");
        }
        return bytes;
    }

    private static int count(String backups) {
        if (backups == null) {
            return DEFAULT_BACKUPS;
        }
        try {
            int count = Integer.parseInt(backups.strip());
            if (count >= 1 && count <= MAX_BACKUPS) {
                return count;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw invalid("backups", "must be a number from 1 to " + MAX_BACKUPS);
    }

    private static ApiProblem invalid(String field, String message) {
        return new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.",
                List.of(new ApiProblem.FieldError(field, message)));
    }
}
