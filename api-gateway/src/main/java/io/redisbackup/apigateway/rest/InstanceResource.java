package io.redisbackup.apigateway.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.security.Role;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.apigateway.service.BackupPolicyService;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.groups.ConvertGroup;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api/v1/instances")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Instances", description = "Redis servers registered for backup")
public class InstanceResource {

    private final InstanceService instances;
    private final BackupPolicyService policies;

    public InstanceResource(InstanceService instances, BackupPolicyService policies) {
        this.instances = instances;
        this.policies = policies;
    }

    @POST
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Register an instance", description = "Connects once (AUTH and INFO) and refuses an "
            + "instance that cannot be reached, refuses the credentials or is not Redis.")
    @APIResponse(responseCode = "201", description = "Registered")
    @APIResponse(responseCode = "400", description = "Invalid fields")
    @APIResponse(responseCode = "422", description = "The instance cannot be used")
    public Response register(@Valid @ConvertGroup(to = InstanceRequest.Registration.class) @NotNull InstanceRequest body) {
        InstanceView created = InstanceView.of(instances.register(body.toConnection()));
        return Response.created(URI.create("/api/v1/instances/" + created.id())).entity(created).build();
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "List the instances")
    public List<InstanceView> list() {
        return instances.all().stream().map(InstanceView::of).toList();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "Get an instance")
    @APIResponse(responseCode = "404", description = "No such instance")
    public InstanceView get(@PathParam("id") UUID id) {
        return InstanceView.of(instances.find(id));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Change an instance", description = "Name, project, address and credentials; checked "
            + "against the server like a registration. Without a password the current one is kept, but only while "
            + "host, port, username and tls stay as they are: a new endpoint needs the password with it "
            + "(else 400 PASSWORD_REQUIRED, and nothing is sent anywhere).")
    public InstanceView change(@PathParam("id") UUID id, @Valid @NotNull InstanceRequest body) {
        return InstanceView.of(instances.change(id, body.toConnection()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Remove an instance", description = "Refused while a task runs on it. Its backups stay.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "409", description = "A task runs on the instance")
    public void remove(@PathParam("id") UUID id) {
        instances.remove(id);
    }

    @GET
    @Path("/{id}/backup-policy")
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "Get the instance's backup policy")
    public BackupPolicyView policy(@PathParam("id") UUID id) {
        return BackupPolicyView.of(policies.of(instances.find(id)));
    }

    @PUT
    @Path("/{id}/backup-policy")
    @RolesAllowed(Role.OPERATOR_NAME)
    @Operation(summary = "Set the instance's backup policy", description = "Automatic backups run at most once a day, "
            + "on the chosen weekdays, starting inside the time period (one hour on the hour) in the time zone, and "
            + "are kept retentionDays after they finish, and besides while a count rule keeps them: the newest "
            + "keepLast, and the newest of each of the last keepDaily days, keepWeekly ISO weeks and keepMonthly "
            + "months that have one (grandfather-father-son). The newest good backup is never deleted. drill asks "
            + "for restore drills: after every automatic backup, or weekly.")
    @APIResponse(responseCode = "400", description = "Invalid fields, all named")
    public BackupPolicyView setPolicy(@PathParam("id") UUID id, BackupPolicyRequest body) {
        if (body == null) {
            throw ApiProblem.missingBody();
        }
        BackupPolicy policy = body.toPolicy();
        return BackupPolicyView.of(policies.change(instances.find(id), policy, body.counts(), body.drills()));
    }

}
