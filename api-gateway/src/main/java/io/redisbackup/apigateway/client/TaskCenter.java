package io.redisbackup.apigateway.client;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.service.TaskAcceptance;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.restproblems.Problem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Calls to the task center, which owns the tasks; an unreachable task center is a 503 for our callers. A caller
 * sees the tasks of its projects only: lists ask the task center for those projects, and a task of another
 * project is absent (404).
 */
@ApplicationScoped
public class TaskCenter {

    private static final List<String> ACTIVE = List.of("PENDING", "DELAYED", "RUNNING");

    private final TaskCenterApi api;
    private final Caller caller;
    private final TaskAcceptance acceptance;

    public TaskCenter(@RestClient TaskCenterApi api, Caller caller, TaskAcceptance acceptance) {
        this.api = api;
        this.caller = caller;
        this.acceptance = acceptance;
    }

    /** The task center's answer as it is (status, problem documents included), for the caller's projects. */
    public Response list(String instanceId, List<String> type, List<String> status, String since, String until,
            String page, String size) {
        List<String> projects = caller.seesEveryProject() ? null : List.copyOf(caller.projects());
        if (projects != null && projects.isEmpty()) {
            return Response.ok(new JsonObject().put("items", List.of()).put("page", 0).put("size", 0).put("total", 0)
                    .encode(), "application/json").build();
        }
        return call(() -> api.list(instanceId, projects, type, status, since, until, page, size));
    }

    /**
     * The task, if the caller may see its project; else 404, as for a task that does not exist. A task this gateway
     * accepted that the task center has not heard of yet (Kafka may be unreachable) is shown as the gateway
     * accepted it: PENDING.
     */
    public Response get(String id) {
        Response response = call(() -> api.get(id));
        if (response.getStatus() == 404) {
            response = accepted(id).orElse(response);
        }
        if (response.getStatus() == 200 && !caller.sees(projectOf(response))) {
            throw ApiProblem.notFound("task", id);
        }
        return response;
    }

    private Optional<Response> accepted(String id) {
        try {
            return acceptance.asAccepted(UUID.fromString(id))
                    .map(task -> Response.ok(task.encode(), MediaType.APPLICATION_JSON).build());
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    /** Whether any task of the instance is under way, whoever may see it. */
    public boolean hasActiveTask(UUID instanceId) {
        try (Response response = call(() -> api.list(instanceId.toString(), null, null, ACTIVE, null, null, "0", "1"))) {
            if (response.getStatus() != 200) {
                throw unavailable("answered " + response.getStatus());
            }
            return new JsonObject((String) response.getEntity()).getLong("total", 0L) > 0;
        }
    }

    private static String projectOf(Response response) {
        try {
            return new JsonObject((String) response.getEntity()).getString("project");
        } catch (DecodeException | ClassCastException e) {
            throw unavailable("answered what is not a task");
        }
    }

    private Response call(Supplier<Response> request) {
        try {
            Response response = request.get();
            String body = response.hasEntity() ? response.readEntity(String.class) : null;
            if (body != null && response.getMediaType() != null
                    && Problem.MEDIA_TYPE.equals(response.getMediaType().toString())) {
                body = asOurs(body);
            }
            return Response.status(response.getStatus()).type(response.getMediaType()).entity(body).build();
        } catch (ProcessingException e) {
            throw unavailable("cannot be reached");
        }
    }

    /** A problem of the task center's, as the public API says it: its {@code instance} the gateway's own path. */
    private static String asOurs(String problem) {
        try {
            JsonObject json = new JsonObject(problem);
            String instance = json.getString("instance");
            if (instance != null && instance.startsWith("/tasks")) {
                json.put("instance", "/api/v1" + instance);
            }
            return json.encode();
        } catch (DecodeException | ClassCastException e) {
            throw unavailable("answered an error that is not a problem document");
        }
    }

    private static ApiProblem unavailable(String why) {
        return new ApiProblem(503, "TASK_CENTER_UNAVAILABLE", "Task center unavailable",
                "The task center " + why + "; try again shortly.");
    }
}
