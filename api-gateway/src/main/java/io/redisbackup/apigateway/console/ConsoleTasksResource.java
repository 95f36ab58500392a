package io.redisbackup.apigateway.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.client.TaskCenter;
import io.redisbackup.apigateway.rest.InstanceView;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.restproblems.ApiProblem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The console's task center: every task of the caller's projects, newest first, filtered by instance, type, status
 * and time; and a task's page with its history, error and result. Both follow their tasks as they change
 * ({@link ConsoleEvents}): the page asks for its list or its task again when the event stream says so.
 */
@Path("/console/tasks")
@Produces(MediaType.TEXT_HTML)
public class ConsoleTasksResource {

    static final int PAGE_SIZE = 20;
    static final List<String> TYPES = List.of("BACKUP", "RECOVER_INSTANCE", "RECOVER_KEYS", "DELETE_BACKUP",
            "VERIFY_BACKUP");
    static final List<String> STATUSES = List.of("PENDING", "DELAYED", "RUNNING", "SUCCEEDED", "FAILED");

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance tasks(ConsolePage page, Filter filter, TaskList list);

        static native TemplateInstance taskList(Filter filter, TaskList list);

        static native TemplateInstance task(ConsolePage page, TaskViews.TaskRow task, InstanceView instance);

        static native TemplateInstance taskCard(ConsolePage page, TaskViews.TaskRow task, InstanceView instance);
    }

    /** An instance to filter by. */
    public record Choice(String value, String label, boolean selected) {
    }

    /** The filters as the form shows them, the choices, and the query that asks for this list again. */
    public record Filter(List<Choice> instances, List<Choice> types, List<Choice> statuses, String since,
            String until, int page, String query, String error) {
    }

    /** A page of tasks. */
    public record TaskList(List<TaskViews.TaskRow> items, long total, int page, boolean more, String query,
            String error) {

        public boolean anyActive() {
            return items.stream().anyMatch(TaskViews.TaskRow::active);
        }
    }

    private final TaskCenter taskCenter;
    private final InstanceService instances;
    private final SecurityIdentity identity;
    private final Caller caller;

    public ConsoleTasksResource(TaskCenter taskCenter, InstanceService instances, SecurityIdentity identity,
            Caller caller) {
        this.taskCenter = taskCenter;
        this.instances = instances;
        this.identity = identity;
        this.caller = caller;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance tasksPage(@QueryParam("instanceId") String instanceId, @QueryParam("type") String type,
            @QueryParam("status") String status, @QueryParam("since") String since,
            @QueryParam("until") String until, @QueryParam("page") Integer page) {
        Filter filter = filter(instanceId, type, status, since, until, page);
        return Templates.tasks(ConsolePage.of(identity, caller), filter, list(filter, instanceId, type, status));
    }

    /** The list alone, for the page to swap in when a task changes. */
    @GET
    @Path("/list")
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance taskList(@QueryParam("instanceId") String instanceId, @QueryParam("type") String type,
            @QueryParam("status") String status, @QueryParam("since") String since,
            @QueryParam("until") String until, @QueryParam("page") Integer page) {
        Filter filter = filter(instanceId, type, status, since, until, page);
        return Templates.taskList(filter, list(filter, instanceId, type, status));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance taskPage(@PathParam("id") UUID id) {
        TaskViews.TaskRow task = task(id);
        return Templates.task(ConsolePage.of(identity, caller), task, instanceOf(task));
    }

    /** The task's card alone, for its page to swap in when the task or its instance changes. */
    @GET
    @Path("/{id}/card")
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance taskCard(@PathParam("id") UUID id) {
        TaskViews.TaskRow task = task(id);
        return Templates.taskCard(ConsolePage.of(identity, caller), task, instanceOf(task));
    }

    private TaskViews.TaskRow task(UUID id) {
        Response answer = taskCenter.get(id.toString());
        if (answer.getStatus() == 404) {
            throw ApiProblem.notFound("task", id);
        }
        if (answer.getStatus() != 200) {
            throw new ApiProblem(503, "TASK_CENTER_UNAVAILABLE", "Task center unavailable",
                    "The task center answered " + answer.getStatus() + "; try again shortly.");
        }
        return TaskViews.TaskRow.of(new JsonObject((String) answer.getEntity()));
    }

    private InstanceView instanceOf(TaskViews.TaskRow task) {
        if (task.instanceId() == null) {
            return null;
        }
        Instance instance = Instance.findById(UUID.fromString(task.instanceId()));
        return instance == null || !caller.sees(instance.project) ? null : InstanceView.of(instance);
    }

    private Filter filter(String instanceId, String type, String status, String since, String until, Integer page) {
        List<Choice> instanceChoices = new ArrayList<>();
        instanceChoices.add(new Choice("", "All instances", blank(instanceId)));
        instances.all().forEach(instance -> instanceChoices.add(new Choice(instance.id.toString(), instance.name,
                instance.id.toString().equals(instanceId))));
        List<Choice> types = new ArrayList<>(List.of(new Choice("", "All types", blank(type))));
        TYPES.forEach(value -> types.add(new Choice(value, value, value.equals(type))));
        List<Choice> statuses = new ArrayList<>(List.of(new Choice("", "All statuses", blank(status))));
        STATUSES.forEach(value -> statuses.add(new Choice(value, value, value.equals(status))));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("instanceId", instanceId);
        query.put("type", type);
        query.put("status", status);
        query.put("since", since);
        query.put("until", until);
        String error = null;
        for (String time : new String[] { since, until }) {
            if (!blank(time) && utc(time) == null) {
                error = "'" + time + "' is not a date and time such as 2026-11-30T14:00";
            }
        }
        int from = page == null || page < 0 ? 0 : page;
        return new Filter(instanceChoices, types, statuses, since == null ? "" : since, until == null ? "" : until,
                from, encode(query), error);
    }

    private TaskList list(Filter filter, String instanceId, String type, String status) {
        if (filter.error() != null) {
            return new TaskList(List.of(), 0, filter.page(), false, filter.query(), filter.error());
        }
        Response answer;
        try {
            answer = taskCenter.list(blank(instanceId) ? null : instanceId,
                    blank(type) ? List.of() : List.of(type), blank(status) ? List.of() : List.of(status),
                    blank(filter.since()) ? null : utc(filter.since()),
                    blank(filter.until()) ? null : utc(filter.until()), Integer.toString(filter.page()),
                    Integer.toString(PAGE_SIZE));
        } catch (ApiProblem unavailable) {
            return new TaskList(List.of(), 0, filter.page(), false, filter.query(), unavailable.getMessage());
        }
        JsonObject body = new JsonObject((String) answer.getEntity());
        if (answer.getStatus() != 200) {
            return new TaskList(List.of(), 0, filter.page(), false, filter.query(),
                    body.getString("detail", "The task center refused the filters."));
        }
        JsonArray items = body.getJsonArray("items", new JsonArray());
        List<TaskViews.TaskRow> rows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            rows.add(TaskViews.TaskRow.of(items.getJsonObject(i)));
        }
        long total = body.getLong("total", 0L);
        return new TaskList(rows, total, filter.page(), (filter.page() + 1L) * PAGE_SIZE < total, filter.query(), null);
    }

    /** A time the form sent (a datetime-local, read as UTC), as the task center takes it; null if it is none. */
    private static String utc(String local) {
        try {
            return LocalDateTime.parse(local.strip()).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String encode(Map<String, String> query) {
        return query.entrySet().stream().filter(e -> !blank(e.getValue()))
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
