package io.redisbackup.apigateway.rest;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.RecoveryPlans;
import io.redisbackup.apigateway.service.RecoveryService;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Recovering an instance, or chosen keys of it, from one of its backups. */
@Path("/api/v1/instances/{id}/recoveries")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Instances", description = "Redis servers registered for backup")
public class RecoveryResource {

    private final RecoveryService recoveries;
    private final RecoveryPlans plans;
    private final Caller caller;

    public RecoveryResource(RecoveryService recoveries, RecoveryPlans plans, Caller caller) {
        this.recoveries = recoveries;
        this.plans = plans;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Role.OPERATOR_NAME)
    @Operation(summary = "Recover from one of the instance's backups", description = "INSTANCE replaces the whole "
            + "dataset (of this instance, or of targetInstanceId) and interrupts the service while it runs. KEYS "
            + "rewrites only the keys named (at most 1000, 64 KiB of names) and those whose names match `patterns` "
            + "(Redis's glob rules, as SCAN ... MATCH; at most gateway.recovery-max-keys keys in all), in every "
            + "database the backup holds them in or those in `databases`, keeping their remaining TTL; no other key "
            + "is touched. Keys in `keys` are separated by ';'; write "
            + "a ';' in a key as '\\;', a backslash as '\\\\', any byte as '\\xHH'; blank keys and repeats are left "
            + "out. Confirm with the password of the instance whose data is replaced. Answers at once with the task "
            + "to follow; its result lists the keys restored, notInBackup and expired. With `dryRun: true` it "
            + "answers 200 with what the recovery would do and does nothing (no password needed; audited): for "
            + "KEYS every key selected, found or not, its database, type, size, TTL at the backup and whether it "
            + "has expired since, with totals; for INSTANCE keys and bytes per database and the dataset's memory "
            + "weighed against the target's Redis version, maxmemory and machine. An INSTANCE recovery first backs "
            + "up the instance whose dataset is replaced, as it is now (type PRE_RECOVERY, kept 7 days; the task "
            + "waits for it, and its result names it as safetyBackupId: recover from it to undo the recovery); "
            + "`safetyBackup: false` skips it.")
    @APIResponse(responseCode = "200", description = "Dry run: what the recovery would do; nothing was done")
    @APIResponse(responseCode = "202", description = "Accepted; Location is the task")
    @APIResponse(responseCode = "403", description = "Wrong password; nothing was done")
    @APIResponse(responseCode = "409", description = "A recovery runs on the instance, or the backup is not SUCCEEDED")
    @APIResponse(responseCode = "422", description = "The backup is of another instance, or the patterns select more "
            + "keys than one recovery may rewrite (TOO_MANY_KEYS, with the count)")
    @APIResponse(responseCode = "429", description = "Too many wrong passwords; Retry-After says when to try again")
    public Response recover(@PathParam("id") UUID id, RecoveryRequest body) {
        if (body == null) {
            throw ApiProblem.missingBody();
        }
        RecoveryRequest.Checked request = body.check();
        UUID target = request.targetInstanceId() == null ? id : request.targetInstanceId();
        if (request.dryRun()) {
            caller.noteAction("dry run");
            return Response.ok(request.mode() == RecoveryRequest.Mode.KEYS
                    ? plans.keys(id, request.backupId(), target, request.keys())
                    : plans.instance(id, request.backupId(), target)).build();
        }
        if (request.keys() != null) {
            plans.checkSize(id, request.backupId(), request.keys());
        }
        UUID taskId = recoveries.recover(id, request.backupId(), request.password(), target, request.keys(),
                request.safetyBackup());
        return new TaskAccepted(taskId, request.backupId()).asResponse();
    }
}
