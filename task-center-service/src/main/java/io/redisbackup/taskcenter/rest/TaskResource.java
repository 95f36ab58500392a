package io.redisbackup.taskcenter.rest;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Sort;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.taskcenter.Task;
import io.redisbackup.taskcenter.TaskHistoryEntry;
import io.redisbackup.taskcenter.service.TaskQuery;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The tasks, for the gateway (which serves them publicly) and for operators. */
@Path("/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks")
public class TaskResource {

    @GET
    @Operation(summary = "List tasks, newest first")
    public TaskPage list(@QueryParam("instanceId") String instanceId,
            @Parameter(description = "only tasks of these projects; all when none is given") @QueryParam("project") List<String> project,
            @QueryParam("type") List<String> type,
            @QueryParam("status") List<String> status, @QueryParam("since") String since,
            @QueryParam("until") String until, @QueryParam("page") String page, @QueryParam("size") String size) {
        TaskQuery query = TaskQuery.parse(instanceId, project, type, status, since, until, page, size);
        Map.Entry<String, Map<String, Object>> where = query.where();
        PanacheQuery<Task> tasks = Task.find(where.getKey(), Sort.descending("createdAt").and("id"), where.getValue());
        List<TaskView> items = tasks.page(query.page(), query.size()).list().stream()
                .map(task -> TaskView.of(task, null)).toList();
        return new TaskPage(items, query.page(), query.size(), tasks.count());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a task with its status history")
    public TaskView get(@PathParam("id") String id) {
        UUID taskId;
        try {
            taskId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("task", id);
        }
        Task task = Task.findById(taskId);
        if (task == null) {
            throw ApiProblem.notFound("task", id);
        }
        return TaskView.of(task, TaskHistoryEntry.of(taskId));
    }
}
