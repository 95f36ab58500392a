package io.redisbackup.apigateway.client;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.redisbackup.problems.ApiProblem;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

/** Calls to the task center, which owns the tasks; an unreachable task center is a 503 for our callers. */
@ApplicationScoped
public class TaskCenter {

    private static final List<String> ACTIVE = List.of("PENDING", "DELAYED", "RUNNING");

    private final TaskCenterApi api;

    public TaskCenter(@RestClient TaskCenterApi api) {
        this.api = api;
    }

    /** The task center's answer as it is: status, problem documents included. */
    public Response list(String instanceId, List<String> type, List<String> status, String since, String until,
            String page, String size) {
        return call(() -> api.list(instanceId, type, status, since, until, page, size));
    }

    public Response get(String id) {
        return call(() -> api.get(id));
    }

    public boolean hasActiveTask(UUID instanceId) {
        try (Response response = list(instanceId.toString(), null, ACTIVE, null, null, "0", "1")) {
            if (response.getStatus() != 200) {
                throw unavailable("answered " + response.getStatus());
            }
            return new JsonObject(response.readEntity(String.class)).getLong("total", 0L) > 0;
        }
    }

    private Response call(java.util.function.Supplier<Response> request) {
        try {
            Response response = request.get();
            String body = response.hasEntity() ? response.readEntity(String.class) : null;
            return Response.status(response.getStatus()).type(response.getMediaType()).entity(body).build();
        } catch (ProcessingException e) {
            throw unavailable("cannot be reached");
        }
    }

    private static ApiProblem unavailable(String why) {
        return new ApiProblem(503, "TASK_CENTER_UNAVAILABLE", "Task center unavailable",
                "The task center " + why + "; try again shortly.");
    }
}
