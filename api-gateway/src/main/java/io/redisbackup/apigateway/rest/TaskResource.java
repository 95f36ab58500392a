package io.redisbackup.apigateway.rest;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.client.TaskCenter;
import io.redisbackup.apigateway.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The task center, served through the gateway: a caller sees the tasks of its projects only. */
@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks", description = "Every backup, recovery and deletion, with its status and history")
public class TaskResource {

    private final TaskCenter taskCenter;

    public TaskResource(TaskCenter taskCenter) {
        this.taskCenter = taskCenter;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "List tasks, newest first", description = "Filters combine; status and type may repeat.")
    public Response list(@QueryParam("instanceId") String instanceId,
            @Parameter(description = "BACKUP, RECOVER_INSTANCE, RECOVER_KEYS, DELETE_BACKUP") @QueryParam("type") List<String> type,
            @Parameter(description = "PENDING, DELAYED, RUNNING, SUCCEEDED, FAILED") @QueryParam("status") List<String> status,
            @Parameter(description = "created at or after, ISO-8601") @QueryParam("since") String since,
            @Parameter(description = "created before, ISO-8601") @QueryParam("until") String until,
            @Parameter(description = "from 0") @QueryParam("page") String page,
            @Parameter(description = "1 to 200, default 20") @QueryParam("size") String size) {
        return taskCenter.list(instanceId, type, status, since, until, page, size);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    @Operation(summary = "Get a task with its status history")
    public Response get(@PathParam("id") String id) {
        return taskCenter.get(id);
    }
}
